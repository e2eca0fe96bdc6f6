#!/bin/sh
# Makes sure a headless Chromium is on PATH for the HTML report tests
# (Debian's `chromium` package) and a CJK font to draw the Chinese with
# (Debian's `fonts-noto-cjk`; without one every Chinese glyph is a box).
# Prints the binary's path on stdout and exits 0, or explains on stderr and
# exits 1 when they cannot be installed.
set -u
find_bin() {
  for b in chromium chromium-browser google-chrome; do
    p=$(command -v "$b" 2>/dev/null) && { echo "$p"; return 0; }
  done
  return 1
}
has_cjk_font() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh-cn family 2>/dev/null | head -n 1)" ]
}
if find_bin >/dev/null && has_cjk_font; then find_bin; exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium or a CJK font (fonts-noto-cjk) is not installed and apt-get as root is not available" >&2
  exit 1
fi
# Serialise concurrent installs (parallel test files) with flock when present.
LOCK=/tmp/jmfund-ensure-chromium.lock
install() {
  find_bin >/dev/null && has_cjk_font && return 0
  export DEBIAN_FRONTEND=noninteractive
  # --no-upgrade: an installed chromium is kept as it is.
  apt-get install -y -q --no-upgrade chromium fonts-noto-cjk >&2 || { apt-get update -q >&2 && apt-get install -y -q --no-upgrade chromium fonts-noto-cjk >&2; }
}
if command -v flock >/dev/null 2>&1; then
  ( flock 9; install ) 9>"$LOCK"
else
  install
fi
has_cjk_font || { echo "ensure-chromium: installing fonts-noto-cjk failed" >&2; exit 1; }
find_bin || { echo "ensure-chromium: installing chromium failed" >&2; exit 1; }
