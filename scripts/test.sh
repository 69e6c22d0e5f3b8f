#!/usr/bin/env bash
# The project's one test command (README, CI): install everything the tests
# need into .venv and the machine (Chromium, axe-core, the Nu checker), then
# run every test. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
if [ -f scripts/install-test-deps.sh ]; then
  PYTHON=.venv/bin/python bash scripts/install-test-deps.sh
fi
exec .venv/bin/python -m pytest "$@"
