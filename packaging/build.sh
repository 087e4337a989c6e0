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

echo "==> built $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
if [ -d "$ROOT/dist/DupeViewer.app" ]; then
    echo "==> macOS app: $ROOT/dist/DupeViewer.app"
fi
