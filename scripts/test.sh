#!/usr/bin/env bash
# The project's one test command (README, CI): install everything the tests
# need into .venv and the machine (Chromium, axe-core, the Nu checker), then
# run every test. Extra arguments go to pytest.
#
# The tests run in as many processes as the machine has cores (pytest-xdist), a module's tests in one
# of them (--dist loadfile: its module-scoped fixtures, such as a built site, are made once).
# TEST_WORKERS=0 runs them in this one process (for a debugger, or to read the output in order).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
if [ -f scripts/install-test-deps.sh ]; then
  PYTHON=.venv/bin/python bash scripts/install-test-deps.sh
fi
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist loadfile "$@"
