# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := python3 -m uv
export UV_LINK_MODE ?= copy

.PHONY: help install run test

help:
	@echo "make run   - install what is missing, start local AWS and the four services on http://127.0.0.1:8000"
	@echo "make test  - install what is missing and run the whole test suite"

# uv comes from PyPI; every Python dependency comes from uv.lock.
.venv/.installed: uv.lock pyproject.toml $(wildcard */pyproject.toml services/*/pyproject.toml)
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --all-packages
	touch $@

install: .venv/.installed

run: install
	$(UV) run --frozen python -m devstack run

test: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen pytest
