#!/usr/bin/env bash
# The project's one test command (README, CI): install everything the tests
# need into .venv and the machine (Chromium, axe-core, the Nu checker), then
# run every test. Extra arguments go to pytest.
#
# The tests run in one process per core, at most 4 (pytest-xdist), a module's tests in one of them
# (--dist loadfile: its module-scoped fixtures, such as a built site, are made once). Each process
# starts its own Chromium, hence the cap. TEST_WORKERS=N sets the number; TEST_WORKERS=0 runs them in
# this one process (for a debugger, or to read the output in order).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
if [ -f scripts/install-test-deps.sh ]; then
  PYTHON=.venv/bin/python bash scripts/install-test-deps.sh
fi
cores="$(nproc 2>/dev/null || echo 1)"
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-$(( cores < 4 ? cores : 4 ))}" --dist loadfile "$@"
