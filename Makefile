# cityatlas: build the book and run the tests. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BASE ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.cityatlas-installed
# Offline everywhere: cartopy must never download, jupyter must never phone home.
export CARTOPY_OFFLINE := 1
export PYTHONHASHSEED := 0
# 2026-11-24, the date of dataset v0.2.0: the one date written into built files.
export SOURCE_DATE_EPOCH := 1795478400

.PHONY: help book test check data figures chapters html pdf lint format lab bench lock clean sysdeps env

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

book: env sysdeps data figures chapters html pdf ## Build everything: data, figures, chapters, HTML and PDF
	@echo "Book built: _build/html/index.html and _build/pdf/book.pdf"

test: lint sysdeps pdf ## Run every test: lint, dataset, figures, notebooks (nbval), built book
	$(PY) -m pytest

check: lint ## Lint and the fast tests that need no built book (about a minute)
	$(PY) -m pytest tests -m "not book and not slow" -n 2 -q

env: $(STAMP) ## Create .venv and install the pinned environment

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

sysdeps: ## Install the Debian packages the build needs (Chromium, fonts, poppler)
	@bash scripts/install-system-deps.sh

data: env ## Validate data/raw and write data/clean and references.bib
	$(PY) -m cityatlas data
	$(PY) -m cityatlas bib

figures: data ## Regenerate every figure in figures/
	$(PY) -m cityatlas figures

chapters: figures ## Execute the chapters whose inputs changed
	$(PY) -m cityatlas execute

html: chapters ## Build the HTML book in _build/html
	$(PY) -m cityatlas html

pdf: html ## Build the PDF book in _build/pdf/book.pdf
	$(PY) -m cityatlas pdf

lint: env ## Run ruff over the package, tests and notebooks
	$(VENV)/bin/ruff check cityatlas tests chapters scripts
	$(VENV)/bin/ruff format --check cityatlas tests chapters scripts

format: env ## Format the code and notebooks with ruff
	$(VENV)/bin/ruff format cityatlas tests chapters scripts
	$(VENV)/bin/ruff check --fix cityatlas tests chapters scripts

# Offline: no news or update checks; as root (containers) JupyterLab needs --allow-root.
LAB_FLAGS := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
LAB_FLAGS += $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: env ## Open the chapters in JupyterLab to rerun them (offline)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=chapters $(LAB_FLAGS)

bench: env sysdeps ## Measure cold and incremental builds on a scratch copy, write BENCHMARKS.md
	$(PY) -m cityatlas bench

lock: env ## Regenerate requirements.txt from requirements.in (needs PyPI)
	$(VENV)/bin/uv pip compile requirements.in -o requirements.txt --python-version 3.11 --no-header

clean: ## Remove the built book and caches (keeps .venv, data and figures)
	rm -rf _build .pytest_cache
