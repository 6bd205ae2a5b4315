# The two commands of the README are `make run` and `make test`.
PYTHON ?= python3

.PHONY: run test lint bench bench-data wheel i18n screenshots test-peers-full test-pytest-odoo

run:
	$(PYTHON) tools/kamctl.py run

# lint, base database, the addon's Odoo tests, the quick peer stage, black-box tests
test:
	$(PYTHON) tools/kamctl.py test

# Odoo's own suites of crm, sale, sale_management, sale_margin, sale_crm, calendar,
# base's partner tests and mail's activity tests, with and without the addon.
test-peers-full:
	$(PYTHON) tools/kamctl.py peers --full

# The addon's tests under pytest-odoo on a database kept between runs (kam_pytest):
#   make test-pytest-odoo ARGS="-k TestDmu"   HTTP=1 also runs the HttpCase tests
#   make test-pytest-odoo DROP=1              drops the kept database
test-pytest-odoo:
	$(PYTHON) tools/kamctl.py pytest-odoo $(if $(filter 1 yes true,$(HTTP)),--http) \
		$(if $(filter 1 yes true,$(DROP)),--drop) -- $(ARGS)

lint:
	$(PYTHON) tools/kamctl.py lint

SCALE ?= small

bench-data:
	$(PYTHON) tools/kamctl.py bench-data --scale $(SCALE)

# Measures and prints; RECORD=1 also writes bench/RESULTS.md.
bench:
	$(PYTHON) tools/kamctl.py bench --scale $(SCALE) $(if $(filter 1 yes true,$(RECORD)),--record)

wheel:
	$(PYTHON) -m build --wheel --no-isolation -o dist kam_management

i18n:
	$(PYTHON) tools/kamctl.py i18n

# Screenshots of the real UI for the README, taken by the browser tests
# (TestScreenshots, tag kam_screenshots: not part of `make test`).
screenshots:
	$(PYTHON) tools/kamctl.py screenshots
