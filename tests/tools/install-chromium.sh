#!/usr/bin/env bash
# Install Debian's chromium (and Thai fonts) for the HTML report's browser test
# (tests/test_reports.py::test_html_report_renders_in_a_real_browser).
#
# Why a script: CI machines start with only Python, pip and apt; the test skips itself when no
# chromium is installed, so CI must call this first to really run it. Idempotent: does nothing
# when chromium is already there. Needs root (or passwordless sudo).
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'tlwg\|thai'; then
    echo "chromium already installed: $(chromium --version 2>/dev/null || echo unknown)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-chromium.sh: need root or sudo" >&2; exit 1; }
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# fonts-thai-tlwg: without a Thai font the screenshot shows boxes instead of the Thai labels
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-thai-tlwg fonts-dejavu-core >/dev/null
echo "installed: $(chromium --version)"
