# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
DB ?= callcenter

.PHONY: run test test-pytest test-odoo setup

run: setup
	$(PYTHON) tools/run_odoo.py --database $(DB)

test: setup
	$(PYTHON) tools/run_tests.py

test-pytest:
	$(PYTHON) tools/run_tests.py --only pytest

test-odoo:
	$(PYTHON) tools/run_tests.py --only odoo

setup:
	bash tools/setup.sh
