#!/usr/bin/env bash
# ensure-debian-package.sh BINARY PACKAGE PURPOSE: install Debian's PACKAGE when BINARY is missing (as root;
# otherwise say what to install). What the tests drive from Debian: chromium (the page tests: Playwright's
# own browser downloads fail here), prometheus, pgbouncer and haproxy (their tests start their own, on free
# ports; a package's service is not started here, nothing runs systemd).
set -euo pipefail
binary=$1 package=$2 purpose=$3
if [ -x "$binary" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "$binary is missing; install Debian's $package package ($purpose)." >&2
  exit 1
fi
echo "Installing Debian's $package for $purpose." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
