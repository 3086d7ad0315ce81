#!/usr/bin/env bash
# Installs the system libraries that Qt's windows and the hall's speech need, when missing.
# As root it uses apt-get; otherwise it prints the exact command and fails.
set -euo pipefail

PACKAGES=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libpulse0 espeak-ng)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-like system; make sure Qt 6's libraries (EGL, xkbcommon," \
       "fontconfig, D-Bus, PulseAudio) and espeak-ng are installed."
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: Kezek needs ${missing[*]}. Install them as root:"
  echo "  $command"
  exit 1
fi
