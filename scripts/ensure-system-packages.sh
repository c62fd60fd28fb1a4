#!/usr/bin/env bash
# Installs the Debian packages the tests need (a Redis server for the distributed sweep tests,
# Chromium for the dashboard's browser tests) when they are missing. `npm test` runs it first, so a
# fresh machine needs nothing but Node.js. Off Debian, or without root, it says what is missing.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/lib/chromium/chromium ] || [ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-system-packages: missing ${need[*]}; install them (Debian: apt-get install -y ${need[*]})" >&2
  exit 1
fi
echo "ensure-system-packages: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
