# Start the local Redis and PostgreSQL when they do not answer. Sourced by scripts/run and .ci/run.

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {  # port, name
  for _ in $(seq 1 30); do answers "$1" && return 0; sleep 1; done
  echo "$2 did not start on 127.0.0.1:$1" >&2
  return 1
}

ensure_redis() {
  answers 6379 && return 0
  if ! command -v redis-server >/dev/null; then
    echo "Redis is not running on 127.0.0.1:6379 and redis-server is not installed." >&2
    echo "Install it (e.g. apt-get install redis-server) or set REDIS_URL." >&2
    return 1
  fi
  echo "Starting Redis on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_for 6379 Redis
}

ensure_postgres() {
  answers 5432 && return 0
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is not installed." >&2
    return 1
  fi
  echo "Starting PostgreSQL on 127.0.0.1:5432"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  wait_for 5432 PostgreSQL
}

ensure_venv() {  # extras, e.g. "" or "[dev]"
  if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$1" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/python -c "import app" || { echo "installing the project failed" >&2; return 1; }
}
