#!/usr/bin/env bash
# make bundle-check: build the PyInstaller folder if it is missing or older than the
# sources, then run the bundled kezek: --version, the offscreen self-test, init --demo and
# status on a scratch store. Exits non-zero at the first failure.
#
#   scripts/bundle_check.sh [--rebuild] [--measure]
#
# --measure also prints start-up times of the bundle beside the virtualenv's kezek.
# The build goes to $KEZEK_BUNDLE_DIR (default /tmp/kezek-build), never into the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${KEZEK_BUNDLE_DIR:-/tmp/kezek-build}
DIST=$BUILD_DIR/dist
VENV_BIN=${VENV_BIN:-.venv/bin}
REBUILD=0
MEASURE=0
for arg in "$@"; do
  case $arg in
    --rebuild) REBUILD=1 ;;
    --measure) MEASURE=1 ;;
    *) echo "usage: $0 [--rebuild] [--measure]" >&2; exit 2 ;;
  esac
done

KEZEK=$DIST/kezek/kezek
[ -f "$KEZEK.exe" ] && KEZEK=$KEZEK.exe
SOURCES=(kiosk ui printing resources build.spec scripts/kezek_entry.py)

fail() { echo "bundle-check: FAIL $*" >&2; exit 1; }

if [ "$REBUILD" = 1 ] || [ ! -x "$KEZEK" ] ||
   [ -n "$(find "${SOURCES[@]}" -newer "$KEZEK" -not -path '*/__pycache__*' -print -quit)" ]; then
  [ -x "$VENV_BIN/pyinstaller" ] ||
    fail "PyInstaller is missing: $VENV_BIN/python -m pip install -e '.[bundle]'"
  echo "== building $DIST/kezek"
  "$VENV_BIN/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$BUILD_DIR/work" build.spec
fi

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
# From another folder with a bare environment: the bundle must need neither the work tree
# nor the virtualenv, and must not touch the hall's store ($KEZEK_DB).
run() { (cd "$SCRATCH" && env -u PYTHONPATH -u PYTHONHOME -u KEZEK_DB "$KEZEK" "$@"); }

echo "== kezek --version"
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' kiosk/__init__.py)
got=$(run --version) || fail "kezek --version exited $?"
[ "$got" = "kezek $version" ] || fail "kezek --version says '$got', not 'kezek $version'"
echo "$got"

echo "== kezek selftest"
QT_QPA_PLATFORM=offscreen run selftest --timeout 60 || fail "kezek selftest"

echo "== kezek init --demo, status"
DB="sqlite:///$SCRATCH/check.db"
run init --demo --db "$DB" >/dev/null || fail "kezek init --demo"
run issue ENT-REG --db "$DB" >/dev/null || fail "kezek issue"
status=$(run status --db "$DB") || fail "kezek status"
grep -q "^ENT-REG  *1 " <<<"$status" || fail "kezek status does not show the ticket: $status"
echo "ok  init, issue and status on $DB"

if command -v ldd >/dev/null; then
  # A library resolved from the virtualenv would be missing on a hall computer.
  leaks=$(find "$DIST/kezek" -name '*.so*' -type f -exec ldd {} + 2>/dev/null |
    grep -F "$(pwd)/.venv" | sort -u || true)
  [ -z "$leaks" ] || fail "libraries resolved from the virtualenv: $leaks"
  echo "ok  no library comes from the virtualenv"
fi

echo "== size"
du -sh "$DIST/kezek"

if [ "$MEASURE" = 1 ]; then
  echo "== start-up: the bundle beside $VENV_BIN/kezek"
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 2 --runs 10 \
      "$KEZEK --version" "$VENV_BIN/kezek --version" \
      "$KEZEK status --db $DB" "$VENV_BIN/kezek status --db $DB"
  else
    "$VENV_BIN/python" - "$KEZEK" "$VENV_BIN/kezek" "$DB" <<'EOF'
import statistics
import subprocess
import sys
import time

bundle, venv, db = sys.argv[1:]
for args in (["--version"], ["status", "--db", db]):
    for exe in (bundle, venv):
        subprocess.run([exe, *args], check=True, capture_output=True)  # warm the cache
        times = []
        for _ in range(10):
            start = time.perf_counter()
            subprocess.run([exe, *args], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        print(f"{exe} {' '.join(args)}: {statistics.mean(times) * 1000:.0f} ms "
              f"± {statistics.stdev(times) * 1000:.0f} ms")
EOF
  fi
fi
echo "bundle-check: all passed"
