# The README's two commands, and a quick one. Each does its own setup (scripts/setup.sh) on a fresh machine.
.PHONY: setup setup-fast demo test test-fast

setup:
	@bash scripts/setup.sh

setup-fast:
	@bash scripts/setup.sh --fast

demo: setup
	.venv/bin/prefgym demo

# every test: a real Docker engine, the browser, the local model
test: setup
	.venv/bin/python -m pytest

# what needs no Docker, browser or local model, on both cores: about three minutes
test-fast: setup-fast
	.venv/bin/python -m pytest -m "not docker and not browser and not local_model" -n 2
