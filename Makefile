# gdc-publisher: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
export PIP_ROOT_USER_ACTION := ignore
STATE  ?= .devstack
STAMP  := $(STATE)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)

STACK  := devstack/ckan-stack.sh

.PHONY: help install demo test test-deps test-fast schemas bench-publish bench-score bench-validate ckan-up ckan-down ckan-env ckan-status clean

help:           ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t18

$(STAMP): setup.cfg pyproject.toml
	@mkdir -p $(STATE)
	@echo "installing gdc and its pinned dependencies (first run: ~1 min)"
	$(PYTHON) -m pip install -q --disable-pip-version-check -e ".[test]"
	@touch $@

install: $(STAMP)  ## install gdc (editable) with its pinned dependencies

demo: install   ## the main job on the example catalog: validate, report, start the local CKAN, publish
	gdc validate datasets/
	gdc report datasets/ --out reports/
	@echo "--- governance report: $(CURDIR)/reports/report.html (also report.md, report.json, junit.xml)"
	@$(STACK) up
	@eval "$$($(STACK) env)" && echo "--- publishing to $$CKAN_URL (the plan it applies, then a summary)" && \
	  gdc publish datasets/ && \
	  echo "--- published catalog: $$CKAN_URL/dataset/  (organizations: $$CKAN_URL/organization/)"

test: install test-deps  ## run the whole test suite (starts the local CKAN itself)
	$(PYTHON) -m pytest

test-deps:      ## what the tests need beyond the CKAN stack: chromium + Thai fonts, actionlint
	@bash tests/tools/install-chromium.sh
	@bash tests/tools/install-actionlint.sh

test-fast: install  ## the tests that need no CKAN
	$(PYTHON) -m pytest -m "not ckan and not slow"

schemas: install  ## regenerate schemas/*.schema.json from the profile
	$(PYTHON) -m catalog.profile.jsonschema

ckan-up:        ## install (first run, ~1.5 min) and start the local CKAN + Solr + PostgreSQL + Redis
	@$(STACK) up

ckan-down:      ## stop the local CKAN stack (by PID)
	@$(STACK) down

ckan-env:       ## print `export CKAN_URL=... CKAN_API_TOKEN=...` for eval "$$(make -s ckan-env)"
	@$(STACK) env

ckan-status:    ## what runs, on which ports
	@$(STACK) status

bench-validate: install  ## 1M-row Thai CSV: pyarrow floor vs frictionless vs columnar vs gdc validate
	$(PYTHON) bench/bench_validate.py --rows 1000000

bench-score: install  ## score 10,000 generated manifests (figures in bench/results/)
	$(PYTHON) bench/bench_score.py

bench-publish: install  ## publish 500 synthetic datasets, re-run, compare with a naive baseline
	$(PYTHON) bench/bench_publish.py --datasets 500

clean:          ## remove caches (keeps the local CKAN state in .devstack/)
	rm -rf .pytest_cache .hypothesis build *.egg-info
