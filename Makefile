# The README's two commands. Each does its own setup (scripts/setup.sh) on a fresh machine.
.PHONY: setup demo test

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/prefgym demo

test: setup
	.venv/bin/python -m pytest
