# gdc-publisher: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
export PIP_ROOT_USER_ACTION := ignore
STATE  ?= .devstack
STAMP  := $(STATE)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: help install demo test test-fast schemas ckan-up ckan-down ckan-env ckan-status clean

help:           ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t18

$(STAMP): setup.cfg pyproject.toml
	@mkdir -p $(STATE)
	@echo "installing gdc and its pinned dependencies (first run: ~1 min)"
	$(PYTHON) -m pip install -q --disable-pip-version-check -e ".[test]"
	@touch $@

install: $(STAMP)  ## install gdc (editable) with its pinned dependencies

demo: install   ## the main job on the example catalog: validate it
	gdc validate datasets/

test: install   ## run the whole test suite
	$(PYTHON) -m pytest

test-fast: install  ## the tests that need no CKAN
	$(PYTHON) -m pytest -m "not ckan and not slow"

schemas: install  ## regenerate schemas/*.schema.json from the profile
	$(PYTHON) -m catalog.profile.jsonschema

clean:          ## remove caches (keeps the local CKAN state in .devstack/)
	rm -rf .pytest_cache .hypothesis build *.egg-info
