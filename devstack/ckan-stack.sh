#!/bin/sh
# Local CKAN stack (PostgreSQL, Redis, Apache Solr, CKAN) for tests and demos.
#   devstack/ckan-stack.sh up|down|env|status      -- see devstack/README.md
# The work is done by ckan_stack.py (standard library only) with the project's Python.
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec "${GDC_PYTHON:-python3}" "$here/ckan_stack.py" "$@"
