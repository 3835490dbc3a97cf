#!/usr/bin/env bash
# Stops what deploy/up.sh started (nginx, gunicorn, huey consumers, Redis, PostgreSQL), by the
# pid files under $LINLI_DEPLOY_DIR. The data stays for the next up.sh; --purge removes it too.
set -uo pipefail
STATE=${LINLI_DEPLOY_DIR:-/tmp/linli-deploy}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -d "$STATE" ] || { echo "nothing under $STATE"; exit 0; }

stop_pid() {  # stop_pid <pidfile> <signal> <name>
  local pidfile=$1 sig=$2 name=$3 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "== stopping $name ($pid)"
    kill "-$sig" "$pid" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

stop_pid "$STATE/run/nginx.pid" QUIT nginx
stop_pid "$STATE/run/gunicorn.pid" TERM gunicorn
# SIGINT lets a huey consumer finish the task in hand; its workers exit with it.
for pidfile in "$STATE"/run/huey-*.pid; do
  [ -e "$pidfile" ] && stop_pid "$pidfile" INT "huey consumer $(basename "$pidfile" .pid)"
done
stop_pid "$STATE/run/redis.pid" TERM redis
if [ -f "$STATE/pg/data/PG_VERSION" ]; then
  echo "== stopping PostgreSQL"
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$STATE/pg/data" -m fast -w stop >/dev/null 2>&1
  else
    "$PGBIN/pg_ctl" -D "$STATE/pg/data" -m fast -w stop >/dev/null 2>&1
  fi
fi
if [ "${1:-}" = "--purge" ]; then
  echo "== removing $STATE"
  rm -rf "$STATE"
fi
exit 0
