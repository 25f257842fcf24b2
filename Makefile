# The two commands of the README: `make serve` and `make test`. Both set up first.
HOST ?= 127.0.0.1
PORT ?= 8000
# PROCESSES=N serves with N web processes (gunicorn); unset, the settings decide (default 1).
PROCESSES ?=

.PHONY: setup serve test templates

setup:
	bash scripts/setup.sh

serve: setup
	.venv/bin/docgen serve --host $(HOST) --port $(PORT) $(if $(PROCESSES),--processes $(PROCESSES))

test: setup
	.venv/bin/python -m pytest $(PYTEST_ARGS)

templates: setup
	.venv/bin/python templates/build.py
