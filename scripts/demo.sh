#!/usr/bin/env bash
# make demo: a scripted morning in the demo hall through the CLI, then all four windows.
set -euo pipefail
cd "$(dirname "$0")/.."
kezek() { .venv/bin/kezek "$@"; }
# A desk step the queue rules may refuse on a second run (a desk still busy): say so, go on.
step() { kezek "$@" || echo "  (the queue rules refused this step; the demo goes on)"; }

kezek init --demo
echo
echo "== Three past days of a simulated hall, for the reports and the Today tab"
# Through the engine, step by step as the terminals work (slower than the default).
step simulate --days 3 --visitors-per-day 300 --engine
echo
echo "== Visitors take tickets at the kiosk"
step issue ENT-REG --lang kk
step issue ENT-REG --lang ru
step issue LAND-PLT --lang ru
step issue ENT-REG --lang en --priority 1 --reason elderly
step issue ARCH-APZ --lang kk
echo
echo "== Desks call, serve and transfer"
step call D2
step start D2
step complete D2 --outcome resolved
step call D2
step transfer D2 LAND-PLT --note "Needs the land plot's cadastral number"
step call D4
step no-show D4
step call D4
step start D4
step complete D4 --outcome consultation
echo
echo "== The hall now"
kezek status

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" || "$(uname)" == Darwin ]]; then
  echo
  echo "== Opening the kiosk, a desk console, the reception console and the board"
  exec .venv/bin/kezek demo
else
  echo
  echo "== The demo staff (sign in at the desk and reception consoles with these)"
  kezek demo --no-windows
  echo
  echo "No screen here: on a machine with a display, 'make demo' opens the kiosk, a desk"
  echo "console, the reception console and the board (or run: .venv/bin/kezek demo)."
  echo "Offscreen pictures of every window: make screenshots (into build/screenshots/)"
fi
