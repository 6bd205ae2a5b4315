# The two commands of the README are `make run` and `make test`.
PYTHON ?= python3

.PHONY: run test lint bench bench-data wheel i18n screenshots

run:
	$(PYTHON) tools/kamctl.py run

test:
	$(PYTHON) tools/kamctl.py test

lint:
	$(PYTHON) tools/kamctl.py lint

SCALE ?= small

bench-data:
	$(PYTHON) tools/kamctl.py bench-data --scale $(SCALE)

bench:
	$(PYTHON) tools/kamctl.py bench --scale $(SCALE)

wheel:
	$(PYTHON) -m build --wheel --no-isolation -o dist kam_management

i18n:
	$(PYTHON) tools/kamctl.py i18n

# Screenshots of the real UI for the README, taken by the browser tests.
screenshots:
	KAM_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(PYTHON) tools/kamctl.py test --tags /kam_management:TestScreenshots
