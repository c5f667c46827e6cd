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

ensure_browser() {  # Debian's Chromium and axe-core, for tests/browser (no browser download)
  if ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "Installing Debian's chromium for the browser tests"
      { apt-get install -y -q chromium >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; } ||
        echo "could not install chromium: the browser tests will be skipped" >&2
    else
      echo "chromium is not installed: the browser tests will be skipped" >&2
    fi
  fi
  if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null; then
    npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >/dev/null ||
      echo "could not install axe-core: the accessibility checks will be skipped" >&2
  fi
}
