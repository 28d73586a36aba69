#!/usr/bin/env bash
# `make test-netbox`: a real NetBox 4.7 on loopback for the bridge's integration tests.
#
# Installs (Debian packages) and starts PostgreSQL and Redis, makes a Python 3.12 venv with the
# pinned NetBox package (kept in build/netbox between local runs), writes NetBox's configuration,
# migrates one template database ONCE per run and makes an API token in it, then runs
# tests/netbox: each test copies the template (CREATE DATABASE ... TEMPLATE) and starts its own
# `netbox runserver 127.0.0.1:PORT`. Everything this script started is stopped on exit.
# Runs may overlap on one machine (two checkouts, CI beside a local run): each run's databases
# carry its own prefix (rs_netbox_p<PID>_), its Redis takes a free port, and PostgreSQL, if a run
# had to start it, is stopped by the last run still using it.
# `tests/netbox/server.sh serve [PORT]` runs one server on a copy of the template database instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}      # RackStudio's own venv runs the tests
NETBOX_VERSION=4.7.3
NETBOX_PY=${NETBOX_PY:-3.12.1}                 # NetBox needs Python >= 3.12 (pyenv)
WORK=$ROOT/build/netbox
VENV=$WORK/venv
export NETBOX_ROOT=$WORK/root
DB_USER=rackstudio_netbox
DB_PASSWORD=rackstudio-netbox-test
DB_PREFIX=rs_netbox_p$$_                      # this run's databases (tests/netbox/conftest.py)
TEMPLATE_DB=${DB_PREFIX}template
RUNS=/tmp/rackstudio-netbox-runs              # one file per live run, machine-wide, as PostgreSQL is
PG_VERSION=15
mkdir -p "$WORK" "$NETBOX_ROOT/conf"
LOG=$WORK/timings.txt
: > "$LOG"
step_start=$SECONDS
step() {  # name of the step just finished: its time goes to build/netbox/timings.txt
    printf '%-28s %4d s\n' "$1" $((SECONDS - step_start)) | tee -a "$LOG"
    step_start=$SECONDS
}

REDIS_PID=
TESTS_PID=
PIDS=$WORK/runservers.$$.pid   # each `netbox runserver` the tests start (tests/netbox/conftest.py)
: > "$PIDS"
mkdir -p "$RUNS"
live_runs() {  # pids of the other runs still alive (a killed run's file is ignored and removed)
    for f in "$RUNS"/run.*; do
        [ -e "$f" ] || continue
        pid=${f##*.}
        if [ "$pid" = $$ ]; then continue; fi
        if kill -0 "$pid" 2>/dev/null; then echo "$pid"; else rm -f "$f"; fi
    done
}
psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q "$@"; }
drop_databases() {  # every database whose name starts with $1
    for db in $(runuser -u postgres -- psql -At -c "SELECT datname FROM pg_database WHERE starts_with(datname, '$1')"); do
        psql_admin -c "DROP DATABASE \"$db\" WITH (FORCE)"
    done
}
cleanup() {  # stop everything this script started, whichever way it ends
    if [ -n "$TESTS_PID" ] && kill -0 "$TESTS_PID" 2>/dev/null; then
        kill -TERM "$TESTS_PID" 2>/dev/null || true   # conftest tears down as on ^C
        wait "$TESTS_PID" 2>/dev/null || true
    fi
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$PIDS"
    rm -f "$PIDS"
    if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; fi
    exec 9>"$RUNS/lock"; flock 9
    if pg_lsclusters -h | grep -q "^$PG_VERSION *main .* online"; then drop_databases "$DB_PREFIX" || true; fi
    rm -f "$RUNS/run.$$"
    # PostgreSQL was started by a run of this script (this one or an earlier one still using it):
    # the last run out stops it
    if [ -e "$RUNS/started-postgresql" ] && [ -z "$(live_runs)" ]; then
        pg_ctlcluster "$PG_VERSION" main stop || true
        rm -f "$RUNS/started-postgresql"
    fi
    flock -u 9
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL and Redis (Debian packages) ------------------------------------------------
if ! command -v redis-server >/dev/null || ! [ -x /usr/lib/postgresql/$PG_VERSION/bin/postgres ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql-$PG_VERSION redis-server
fi
step "apt packages"
exec 9>"$RUNS/lock"; flock 9
touch "$RUNS/run.$$"
if ! pg_lsclusters -h | grep -q "^$PG_VERSION *main .* online"; then
    pg_ctlcluster "$PG_VERSION" main start
    touch "$RUNS/started-postgresql"
fi
flock -u 9
REDIS_PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export NETBOX_REDIS_PORT=$REDIS_PORT
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    > "$WORK/redis.$$.log" 2>&1 &
REDIS_PID=$!
step "postgresql + redis up"

# --- NetBox in its own Python 3.12 venv (cached) ---------------------------------------------
if [ "$(cat "$VENV/.netbox-version" 2>/dev/null)" != "$NETBOX_VERSION" ]; then
    rm -rf "$VENV"
    PYENV_VERSION=$NETBOX_PY python3.12 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet "netbox==$NETBOX_VERSION"
    echo "$NETBOX_VERSION" > "$VENV/.netbox-version"
fi
step "netbox venv"

# --- configuration: the database and the Redis port come from the environment, so each test --
# --- has its own database and overlapping runs share one configuration ----------------------
cat > "$NETBOX_ROOT/conf/__init__.py" < /dev/null
cat > "$NETBOX_ROOT/conf/configuration.py" <<PY
import os
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
DATABASE = {
    'NAME': os.environ['NETBOX_DB'],
    'USER': '$DB_USER', 'PASSWORD': '$DB_PASSWORD', 'HOST': '127.0.0.1', 'PORT': '5432',
    'CONN_MAX_AGE': 0,
}
REDIS_PORT = int(os.environ['NETBOX_REDIS_PORT'])
REDIS = {
    'tasks': {'HOST': '127.0.0.1', 'PORT': REDIS_PORT, 'DATABASE': 0, 'SSL': False},
    'caching': {'HOST': '127.0.0.1', 'PORT': REDIS_PORT, 'DATABASE': 1, 'SSL': False},
}
SECRET_KEY = 'rackstudio-netbox-integration-tests-not-secret-0123456789abcdef'
API_TOKEN_PEPPERS = {1: 'rackstudio-netbox-integration-tests-pepper-0123456789'}
DEBUG = False
PY

# --- the template database, migrated once per run -------------------------------------------
psql_admin -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END\$\$;"
# what runs that were killed left behind (their pid is gone); live runs' databases stay
for db in $(runuser -u postgres -- psql -At -c "SELECT datname FROM pg_database WHERE datname ~ '^rs_netbox_p[0-9]+_'"); do
    pid=${db#rs_netbox_p}; pid=${pid%%_*}
    if ! kill -0 "$pid" 2>/dev/null; then psql_admin -c "DROP DATABASE \"$db\" WITH (FORCE)"; fi
done
psql_admin -c "CREATE DATABASE $TEMPLATE_DB OWNER $DB_USER"
export NETBOX_DB=$TEMPLATE_DB   # migrate, dump and the token are of the template
# A local re-run restores the migrated schema kept by the last run (RACKSTUDIO_NETBOX_REMIGRATE=1,
# a new NetBox version, or a fresh checkout, as in CI, migrate from scratch).
DUMP=$WORK/migrated-$NETBOX_VERSION.dump
if [ -f "$DUMP" ] && [ -z "${RACKSTUDIO_NETBOX_REMIGRATE:-}" ]; then
    PGPASSWORD=$DB_PASSWORD pg_restore -h 127.0.0.1 -U "$DB_USER" -d "$TEMPLATE_DB" --no-owner "$DUMP"
    "$VENV/bin/netbox" migrate --no-input -v 0   # nothing to do, unless the dump is stale
    step "netbox schema (restored)"
else
    "$VENV/bin/netbox" migrate --no-input -v 0
    PGPASSWORD=$DB_PASSWORD pg_dump -h 127.0.0.1 -U "$DB_USER" -Fc -f "$DUMP.tmp" "$TEMPLATE_DB"
    mv "$DUMP.tmp" "$DUMP"
    step "netbox migrate"
fi
TOKEN=$("$VENV/bin/netbox" shell --no-startup -c "
from users.models import Token, User
user = User.objects.create_superuser('rackstudio', 'rackstudio@example.invalid', 'not-a-login')
token = Token(user=user, version=2, description='RackStudio integration tests')
token.save()
print(f'nbt_{token.key}.{token.token}')" | tail -1)
step "api token"

# --- the integration tests (or, with `serve`, one server on the template database) -----------
echo "$TOKEN" > "$WORK/token"
if [ "${1:-}" = serve ]; then  # on a copy, so the template stays clean for the tests
    psql_admin -c "CREATE DATABASE ${DB_PREFIX}serve TEMPLATE $TEMPLATE_DB OWNER $DB_USER"
    echo "NetBox on http://127.0.0.1:${2:-8765} (token in $WORK/token); Ctrl-C stops it"
    NETBOX_DB=${DB_PREFIX}serve "$VENV/bin/netbox" runserver "127.0.0.1:${2:-8765}" --noreload
    exit
fi
export RACKSTUDIO_NETBOX_SERVER="$VENV/bin/netbox"
export RACKSTUDIO_NETBOX_TEMPLATE_DB=$TEMPLATE_DB RACKSTUDIO_NETBOX_DB_PREFIX=$DB_PREFIX
export RACKSTUDIO_NETBOX_TEST_TOKEN=$TOKEN
export RACKSTUDIO_NETBOX_PIDS=$PIDS
# the tests reach PostgreSQL as NetBox's user (not exported: the clean-up works as postgres)
PGPASSWORD=$DB_PASSWORD PGUSER=$DB_USER PGHOST=127.0.0.1 "$PYTHON" -m pytest -p no:pytest-qt -W ignore::pytest.PytestConfigWarning tests/netbox -q "$@" &
TESTS_PID=$!
status=0
wait "$TESTS_PID" || status=$?
TESTS_PID=
step "integration tests"
cat "$LOG"
exit "$status"
