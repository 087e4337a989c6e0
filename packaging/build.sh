#!/usr/bin/env bash
# Build the dupeviewer one-folder bundle with PyInstaller and smoke-test it.
#
#   packaging/build.sh                 # venv in build/venv, output in dist/
#   PYTHON=python3.12 packaging/build.sh
#   VENV=/tmp/pyi-venv packaging/build.sh
#
# Works on Linux and macOS, and on Windows from Git Bash (see packaging/README.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-$ROOT/build/venv}"
PYINSTALLER_VERSION="${PYINSTALLER_VERSION:->=6.10}"

case "$(uname -s)" in
    MINGW*|MSYS*|CYGWIN*) BIN="$VENV/Scripts"; EXE_SUFFIX=".exe"; CLI_NAME="dupeviewer-cli" ;;
    *) BIN="$VENV/bin"; EXE_SUFFIX=""; CLI_NAME="dupeviewer" ;;
esac

echo "==> virtual environment: $VENV"
if [ ! -x "$BIN/python$EXE_SUFFIX" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$BIN/python" -m pip install --upgrade pip
"$BIN/python" -m pip install "$ROOT" "pyinstaller$PYINSTALLER_VERSION"

echo "==> pyinstaller"
"$BIN/python" -m PyInstaller --noconfirm --clean \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
    "$ROOT/packaging/dupeviewer.spec"

BUNDLE="$ROOT/dist/dupeviewer"
echo "==> smoke test"
"$BUNDLE/$CLI_NAME$EXE_SUFFIX" --version
DEMO="$("$BIN/python" -c 'from dupeviewer.demo import make_demo_library; print(make_demo_library())')"
QT_QPA_PLATFORM=offscreen "$BUNDLE/$CLI_NAME$EXE_SUFFIX" scan "$DEMO" --json --no-cache \
    > "$ROOT/build/smoke.json"
"$BIN/python" - "$ROOT/build/smoke.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["version"] == 1 and doc["groups"], "the bundled scan found no groups"
print(f"bundled scan: {doc['stats']['images']} images, {len(doc['groups'])} groups, "
      f"{len(doc['skipped'])} skipped")
PY
rm -rf "$DEMO"

echo "==> built $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
if [ -d "$ROOT/dist/DupeViewer.app" ]; then
    echo "==> macOS app: $ROOT/dist/DupeViewer.app"
fi
