# The two commands of the README.
#   make run    install everything, then start llmos on its embedded default model
#   make test   install everything (with test tools), then run the test suite
.PHONY: run test lint bench docs

run:
	@bash scripts/setup.sh
	@.venv/bin/llmos

test:
	@bash scripts/setup.sh --dev
	@.venv/bin/python -m pytest -q

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

bench:
	.venv/bin/python benchmarks/run_all.py --quick

docs:
	.venv/bin/python scripts/gen_config_docs.py
