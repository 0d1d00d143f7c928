#!/usr/bin/env bash
# The Prometheus the metrics test scrapes with: Debian's (2.42), installed when missing. Only the binary is
# used; the test starts its own on a free port with its own configuration and data directory.
set -euo pipefail
if [ -x /usr/bin/prometheus ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Prometheus is missing at /usr/bin/prometheus; install Debian's prometheus package." >&2
  exit 1
fi
echo "Installing Debian's prometheus for the metrics test." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
