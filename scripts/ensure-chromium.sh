#!/bin/sh
# Makes sure a headless Chromium is on PATH for the HTML report test
# (Debian's `chromium` package). Prints the binary's path on stdout and exits
# 0, or explains on stderr and exits 1 when it cannot be installed.
set -u
find_bin() {
  for b in chromium chromium-browser google-chrome; do
    p=$(command -v "$b" 2>/dev/null) && { echo "$p"; return 0; }
  done
  return 1
}
if find_bin; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium is not installed and apt-get as root is not available" >&2
  exit 1
fi
# Serialise concurrent installs (parallel test files) with flock when present.
LOCK=/tmp/jmfund-ensure-chromium.lock
install() {
  find_bin >/dev/null && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >&2 || { apt-get update -q >&2 && apt-get install -y -q chromium >&2; }
}
if command -v flock >/dev/null 2>&1; then
  ( flock 9; install ) 9>"$LOCK"
else
  install
fi
find_bin || { echo "ensure-chromium: installing chromium failed" >&2; exit 1; }
