#!/usr/bin/env bash
# The whole production topology on one machine, on loopback (docs/deploy.md):
#   nginx (TLS, /static/ from disk) → gunicorn → PostgreSQL 15; Redis; N huey consumers.
# Everything lives under $LINLI_DEPLOY_DIR (default /tmp/linli-deploy); no system service is touched.
# Running it again starts whatever is not running and leaves the data alone. deploy/down.sh stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=${LINLI_DEPLOY_DIR:-/tmp/linli-deploy}
BIND=127.0.0.1
HTTP_PORT=${LINLI_HTTP_PORT:-18080}
HTTPS_PORT=${LINLI_HTTPS_PORT:-18443}
APP_PORT=${LINLI_APP_PORT:-18001}
PG_PORT=${LINLI_PG_PORT:-15432}
REDIS_PORT=${LINLI_REDIS_PORT:-16379}
CONSUMERS=${LINLI_HUEY_CONSUMERS:-2}
WORKERS=${LINLI_GUNICORN_WORKERS:-$(( $(nproc) * 2 + 1 ))}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PY=$ROOT/.venv/bin/python
say() { echo "== $*"; }

# System packages, from the distribution's registry, only if missing.
need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v redis-server >/dev/null || need+=(redis-server)
[ -x "$PGBIN/initdb" ] || need+=(postgresql-15)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq
  # The packages must not start their own system services (policy-rc.d says no, unless one exists).
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$PY" ] || { echo "no .venv: run 'make install' first" >&2; exit 1; }

mkdir -p "$STATE"/{run,log,var,redis,tls,nginx/{client_body,proxy,fastcgi,uwsgi,scgi}}
chmod 755 "$STATE"

# Secrets: made once, kept in a file only root reads.
if [ ! -f "$STATE/secrets.env" ]; then
  umask 077
  rand() { "$PY" -c 'import secrets; print(secrets.token_urlsafe(int(__import__("sys").argv[1])))' "$1"; }
  { echo "LINLI_SECRET_KEY=$(rand 50)"; echo "PG_PASSWORD=$(rand 24)"; echo "REDIS_PASSWORD=$(rand 24)"; } \
    > "$STATE/secrets.env"
  umask 022
fi
# shellcheck disable=SC1091
. "$STATE/secrets.env"

# PostgreSQL 15 as the postgres user, on loopback, password authentication for the app's role.
PGDATA=$STATE/pg/data
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  say "initdb $PGDATA"
  mkdir -p "$STATE/pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$STATE/pg"
  as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres -A peer --auth-host=scram-sha-256 -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$STATE/pg'"
    echo "max_connections = 200"
    echo "shared_buffers = 256MB"
  } | as_postgres tee -a "$PGDATA/postgresql.conf" >/dev/null
fi
if ! as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  say "PostgreSQL on $BIND:$PG_PORT"
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$STATE/pg/server.log" -w start >/dev/null
fi
psql_admin() { as_postgres "$PGBIN/psql" -h "$STATE/pg" -p "$PG_PORT" -U postgres -qtA -v ON_ERROR_STOP=1 "$@"; }
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'linli'")" ]; then
  psql_admin -c "CREATE ROLE linli LOGIN PASSWORD '$PG_PASSWORD'"
fi
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'linli'")" ]; then
  psql_admin -c "CREATE DATABASE linli OWNER linli"
fi

# Redis on loopback with a password; the queue survives restarts (append-only file).
if ! { [ -f "$STATE/run/redis.pid" ] && kill -0 "$(cat "$STATE/run/redis.pid")" 2>/dev/null; }; then
  say "Redis on $BIND:$REDIS_PORT"
  sed -e "s|@STATE@|$STATE|g" -e "s|@REDIS_PORT@|$REDIS_PORT|g" -e "s|@REDIS_PASSWORD@|$REDIS_PASSWORD|g" \
    deploy/redis.conf.template > "$STATE/redis.conf"
  chmod 600 "$STATE/redis.conf"
  redis-server "$STATE/redis.conf"
fi

# The application's environment: production settings (docs/deploy.md lists every variable).
cat > "$STATE/linli.env" <<ENV
LINLI_DEBUG=0
LINLI_SECRET_KEY=$LINLI_SECRET_KEY
LINLI_ALLOWED_HOSTS=127.0.0.1,localhost
LINLI_CSRF_TRUSTED_ORIGINS=https://127.0.0.1:$HTTPS_PORT,https://localhost:$HTTPS_PORT
LINLI_VAR_DIR=$STATE/var
DATABASE_URL=postgres://linli:$PG_PASSWORD@127.0.0.1:$PG_PORT/linli
LINLI_CONN_MAX_AGE=60
REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0
LINLI_SSL_REDIRECT=1
LINLI_HSTS_SECONDS=${LINLI_HSTS_SECONDS:-3600}
LINLI_CLIENT_IP_HEADER=HTTP_X_REAL_IP
LINLI_STATIC_MANIFEST=1
LINLI_GUNICORN_BIND=$BIND:$APP_PORT
LINLI_GUNICORN_WORKERS=$WORKERS
LINLI_GUNICORN_ACCESS_LOG=$STATE/log/gunicorn-access.log
LINLI_GUNICORN_ERROR_LOG=$STATE/log/gunicorn.log
ENV
chmod 600 "$STATE/linli.env"
set -a
# shellcheck disable=SC1091
. "$STATE/linli.env"
set +a

say "migrate, collectstatic, check --deploy, demo data if empty"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
"$PY" manage.py check --deploy --fail-level WARNING
"$PY" manage.py seed_demo --if-empty > "$STATE/log/seed_demo.log"

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if ! running "$STATE/run/gunicorn.pid"; then
  say "gunicorn on $LINLI_GUNICORN_BIND ($WORKERS workers)"
  "$ROOT/.venv/bin/gunicorn" linli.wsgi:application -c deploy/gunicorn.conf.py --chdir "$ROOT" \
    --pid "$STATE/run/gunicorn.pid" --daemon
fi

# Consumers share the Redis queue; only the first runs the periodic schedule, or every
# consumer would enqueue the same monthly billing run.
for i in $(seq 1 "$CONSUMERS"); do
  pidfile=$STATE/run/huey-$i.pid
  running "$pidfile" && continue
  flags=(--workers 2)
  [ "$i" -gt 1 ] && flags+=(--no-periodic)
  setsid nohup "$PY" manage.py run_huey "${flags[@]}" >> "$STATE/log/huey-$i.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
done
say "$CONSUMERS huey consumers"

if [ ! -f "$STATE/tls/cert.pem" ]; then
  # A self-signed certificate for the loopback name; a real deployment puts its own here.
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$STATE/tls/key.pem" -out "$STATE/tls/cert.pem" 2>/dev/null
  chmod 600 "$STATE/tls/key.pem"
fi
max_body=$(( ${LINLI_MAX_IMPORT_MB:-20} + 5 ))
user_directive=""
if [ "$(id -u)" = 0 ]; then
  # nginx's workers drop root; they write request bodies to these folders.
  user_directive="user www-data;"
  chown -R www-data "$STATE/nginx"/{client_body,proxy,fastcgi,uwsgi,scgi}
fi
sed -e "s|@USER_DIRECTIVE@|$user_directive|g" -e "s|@STATE@|$STATE|g" -e "s|@BIND@|$BIND|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
    -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" -e "s|@APP_PORT@|$APP_PORT|g" -e "s|@SERVER_NAME@|localhost 127.0.0.1|g" \
    -e "s|@TLS_CERT@|$STATE/tls/cert.pem|g" -e "s|@TLS_KEY@|$STATE/tls/key.pem|g" -e "s|@MAX_BODY_MB@|$max_body|g" \
    deploy/nginx.conf.template > "$STATE/nginx/nginx.conf"
"$NGINX" -t -q -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" -e "$STATE/log/nginx-error.log"
if running "$STATE/run/nginx.pid"; then
  "$NGINX" -s reload -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" -e "$STATE/log/nginx-error.log"
else
  say "nginx on https://$BIND:$HTTPS_PORT/ (http://$BIND:$HTTP_PORT/ redirects)"
  "$NGINX" -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" -e "$STATE/log/nginx-error.log"
fi

for _ in $(seq 1 60); do
  if curl -ksf -o /dev/null "https://$BIND:$HTTPS_PORT/login/"; then
    say "Linli is up: https://$BIND:$HTTPS_PORT/ (state in $STATE; stop with deploy/down.sh)"
    exit 0
  fi
  sleep 1
done
echo "Linli did not answer on https://$BIND:$HTTPS_PORT/ — see $STATE/log/" >&2
exit 1
