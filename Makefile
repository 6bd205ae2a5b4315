# The two commands of the README are `make run` and `make test`.
PYTHON ?= python3

.PHONY: run test lint bench bench-data wheel

run:
	$(PYTHON) tools/kamctl.py run

test:
	$(PYTHON) tools/kamctl.py test

lint:
	$(PYTHON) tools/kamctl.py lint
