#!/usr/bin/env bash
# install.sh — make sure Debian's Chromium and its WebDriver (chromium-driver) are there for the
# tests that drive a real browser (headless): installs the packages with apt-get when one is
# missing. Needs root for the install; with both already on PATH it does nothing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install.sh: chromium or chromedriver is missing and cannot be installed here (needs root and apt-get)" >&2
  exit 1
fi
apt() { apt-get -q -o DPkg::Lock::Timeout=300 "$@" </dev/null; }
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
packages=(chromium chromium-driver)
if ! apt install -y --no-install-recommends "${packages[@]}" >"$log" 2>&1; then
  # a fresh machine's package lists may be missing or stale
  apt update >>"$log" 2>&1 && apt install -y --no-install-recommends "${packages[@]}" >>"$log" 2>&1 \
    || { tail -20 "$log" >&2; rm -f "$log"; echo "install.sh: apt-get could not install ${packages[*]}" >&2; exit 1; }
fi
rm -f "$log"
command -v chromium >/dev/null && command -v chromedriver >/dev/null
