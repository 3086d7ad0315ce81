#!/usr/bin/env bash
# Installs the system libraries that Qt's windows, the hall's speech and the real-display
# tests need, when missing. As root it uses apt-get (waiting for another apt-get or dpkg to
# finish rather than failing); otherwise it prints the exact command and fails.
set -euo pipefail

# Qt itself, and the xcb platform plugin that Qt loads on a real X display: when one of the
# xcb libraries is missing Qt's message often names another one, so all are listed.
QT=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1)
# Sound and speech on the board.
SPEECH=(libpulse0 espeak-ng)
# The tests' real display (an X server and real input events).
TESTS=(xvfb xdotool x11-utils)
PACKAGES=("${QT[@]}" "${SPEECH[@]}" "${TESTS[@]}")
LOCK_WAIT_S=${KEZEK_APT_LOCK_WAIT:-600}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-like system; make sure Qt 6's libraries (EGL, xkbcommon," \
       "fontconfig, D-Bus, the xcb family), PulseAudio, espeak-ng, Xvfb and xdotool are installed."
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: Kezek needs ${missing[*]}. Install them as root:"
  echo "  $command"
  exit 1
fi

# Another apt-get or dpkg (an unattended upgrade, a second make) may hold the locks: wait.
# apt-get waits for dpkg's lock by itself with DPkg::Lock::Timeout; `update` needs the
# lists lock, which it does not wait for, so it is retried while that lock is held.
apt_update() {
  local deadline=$((SECONDS + LOCK_WAIT_S)) out
  while true; do
    if out=$(apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT_S" update -qq 2>&1); then
      return 0
    fi
    if [[ "$out" == *"lock"* && $SECONDS -lt $deadline ]]; then
      echo "system-deps: another package manager is running; waiting for it..."
      sleep 5
      continue
    fi
    echo "$out" >&2
    return 1
  done
}

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_update
apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT_S" install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
