#!/usr/bin/env bash
# Makes sure the services the test suite talks to are there, installing them from Debian's packages
# on a fresh machine. Safe to run again: it does nothing when everything already answers.
#   - redis-server, and a Redis on 127.0.0.1:6379 (COMFY_PROGRESS_NEEDS_REDIS=1)
#   - Chromium at /usr/bin/chromium (only when browser tests exist: COMFY_PROGRESS_NEEDS_CHROMIUM=1)
set -euo pipefail

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-services: $* is missing and this user cannot apt-get install it; install it and retry" >&2
    exit 1
  fi
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ "${COMFY_PROGRESS_NEEDS_REDIS:-0}" = 1 ]; then
  # The outage and multi-instance suites start their own redis-server processes, so the binary is
  # needed even where a Redis already answers on 6379.
  command -v redis-server >/dev/null || apt_install redis-server
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    echo "ensure-services: starting redis-server on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.1; done
  fi
fi

if [ "${COMFY_PROGRESS_NEEDS_CHROMIUM:-0}" = 1 ]; then
  if [ ! -x /usr/bin/chromium ]; then
    echo "ensure-services: installing Debian's chromium"
    apt_install chromium
  fi
fi
