#!/usr/bin/env bash
# Installs Debian's redis-server when missing and starts one on 127.0.0.1 on a free port, for the examples'
# server/worker tests. Prints "MAYA1_REDIS_PORT=<port>" on its last line; source-friendly use in .ci/run:
#   eval "$(bash .ci/start-redis.sh | tail -1)"; export MAYA1_REDIS_PORT
# The tests read the port from -Dmaya1.redis.port or $MAYA1_REDIS_PORT and start private redis-server processes
# (same binary, found via $MAYA1_REDIS_SERVER or PATH) for the tests that stop Redis on purpose.
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1; then
  echo "start-redis: installing redis-server (Debian)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends redis-server >&2
fi
# the package's own service (if the installer started one on 6379) is left alone: we use our own instance

port=""
for _ in $(seq 1 50); do
  cand=$(( 20000 + RANDOM % 30000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$cand") 2>/dev/null; then port=$cand; break; fi
done
[[ -n "$port" ]] || { echo "start-redis: no free port found" >&2; exit 1; }

dir="$(mktemp -d /tmp/maya1-redis.XXXXXX)"
redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
  --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2
for _ in $(seq 1 100); do
  if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
    echo "start-redis: redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port (pid $(cat "$dir/redis.pid"))" >&2
    echo "MAYA1_REDIS_PORT=$port"
    exit 0
  fi
  sleep 0.1
done
echo "start-redis: redis-server did not answer on port $port; log:" >&2
cat "$dir/redis.log" >&2 || true
exit 1
