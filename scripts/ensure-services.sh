#!/usr/bin/env bash
# Make sure the services the tests use answer: PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379.
# Starts the local ones when they are not up (installing them as root when they are missing).
set -euo pipefail

install_packages() {
  if [ "$(id -u)" != 0 ]; then
    echo "Missing $*; install it, or point the tests at a reachable server." >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() {  # description, command...
  local what=$1
  shift
  for _ in $(seq 1 30); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "$what did not come up." >&2
  exit 1
}

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "PostgreSQL is not answering at 127.0.0.1:5432; starting the local cluster." >&2
  command -v pg_ctlcluster >/dev/null 2>&1 || install_packages postgresql
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
fi

# The two database roles (alloy/database_roles.py). `alloy`, the operations role: owns the tables it creates,
# can create databases, is not a superuser. `alloy_serving`, what the servers the tests start connect as:
# no ownership, no way into every workspace (migrations grant it what serving needs).
ensure_role() {  # name, attributes
  if ! psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_roles WHERE rolname = '$1'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -qc "CREATE ROLE $1 $2"
  fi
}
ensure_role alloy "LOGIN CREATEDB NOSUPERUSER"
ensure_role alloy_serving "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  echo "Redis is not answering at 127.0.0.1:6379; starting it." >&2
  command -v redis-server >/dev/null 2>&1 || install_packages redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
fi
