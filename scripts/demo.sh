#!/usr/bin/env bash
# A scripted morning in the demo hall on the embedded SQLite store, through the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
kezek() { .venv/bin/kezek "$@"; }

kezek init --demo
echo
echo "== 09:00: visitors take tickets at the kiosk"
kezek issue ENT-REG --lang kk
kezek issue ENT-REG --lang ru
kezek issue LAND-PLT --lang ru
kezek issue ENT-REG --lang en --priority 1 --reason elderly
kezek issue ARCH-APZ --lang kk
echo
echo "== Desks call, serve and transfer"
kezek call D1
kezek start D1
kezek complete D1 --outcome resolved
kezek call D1
kezek transfer D1 LAND-PLT --note "Needs the land plot's cadastral number"
kezek call D3
kezek no-show D3
kezek call D3
kezek pause D5 --reason lunch
echo
echo "== The hall now"
kezek status
echo
echo "== Lunch is over; D3's visitor is served"
kezek resume D5
kezek start D3
kezek complete D3 --outcome consultation
kezek tickets
