# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := python3 -m uv
export UV_LINK_MODE ?= copy

.PHONY: help install webapp run test deploy

help:
	@echo "make run   - install what is missing, build the web app, start local AWS and the four services on http://127.0.0.1:8000"
	@echo "make test  - install what is missing and run the whole test suite"
	@echo "make deploy - build and push the images, terraform apply, wait until stable, print the app URL (AWS; see README)"

# uv comes from PyPI; every Python dependency comes from uv.lock.
.venv/.installed: uv.lock pyproject.toml $(wildcard */pyproject.toml services/*/pyproject.toml)
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --all-packages
	touch $@

install: .venv/.installed

# The web app (frontend/): npm packages from package-lock.json, rebuilt only when its sources change.
WEBAPP_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts frontend/tsconfig.json

frontend/node_modules/.installed: frontend/package-lock.json frontend/package.json
	@command -v npm >/dev/null || { echo "The web app needs Node.js 20.19+ with npm: install it, then run make again." >&2; exit 1; }
	cd frontend && npm ci --no-audit --no-fund
	touch $@

# What a parent previews while choosing is made by the project, not kept in git: a frame of each style
# (the studio's own renders in docs/frames) and a line in each narrator voice (the media service's narrator).
STYLE_PREVIEWS := $(patsubst docs/frames/%,frontend/public/styles/%,$(wildcard docs/frames/*.jpg))

frontend/public/styles/%.jpg: docs/frames/%.jpg
	@mkdir -p $(@D)
	cp $< $@

frontend/public/voices/.made: .venv/.installed frontend/scripts/voice_samples.py services/media/src/media/narrate/local.py
	$(UV) run --frozen python frontend/scripts/voice_samples.py
	touch $@

# The API's schema, from which `npm run build` generates the app's types: remade when the models or routes may have changed.
frontend/openapi.json: .venv/.installed $(shell find services/gateway/src shared/src -name '*.py')
	$(UV) run --frozen python -m gateway.openapi $@

frontend/dist/index.html: frontend/node_modules/.installed frontend/openapi.json $(WEBAPP_SOURCES) $(STYLE_PREVIEWS) frontend/public/voices/.made
	cd frontend && npm run build
	touch $@

webapp: frontend/dist/index.html

# The browser tests drive Debian's chromium; nothing downloads a browser of its own.
/usr/bin/chromium:
	apt-get update && apt-get install -y --no-install-recommends chromium

run: install webapp
	$(UV) run --frozen python -m devstack run

test: install webapp /usr/bin/chromium
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen basedpyright
	cd frontend && npm test
	$(UV) run --frozen pytest

# Production (needs AWS credentials and Docker; never run by make test): see the README's "Production on AWS".
deploy:
	infrastructure/deploy.sh
