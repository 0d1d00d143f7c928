#!/usr/bin/env bash
# The browser the page tests drive: Debian's Chromium (Playwright's own browser downloads fail here).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium is missing at /usr/bin/chromium; install Debian's chromium package." >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
