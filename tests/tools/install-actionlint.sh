#!/usr/bin/env bash
# Install actionlint (the GitHub Actions workflow linter) for tests/test_pipelines.py, from the
# Go module proxy, into .devstack/bin. Idempotent; skips quietly when Go is not installed
# (the test then checks the workflow's structure only, and fails under CI=true).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="$PWD/.devstack/bin"
if [ -x "$BIN/actionlint" ]; then exit 0; fi
if ! command -v go >/dev/null 2>&1; then
    echo "install-actionlint.sh: no Go toolchain; the pipeline test will check structure only" >&2
    exit 0
fi
mkdir -p "$BIN"
echo "installing actionlint into $BIN (first run, ~20 s)"
GOBIN="$BIN" GOFLAGS=-mod=mod go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.7
