#!/usr/bin/env bash
# The whole test suite: lint, types, migrations check, then pytest on SQLite and on PostgreSQL
# (including browser tests in Debian's Chromium). Exits non-zero on any failure or if no test ran.
#   BIANMIN_TEST_PG_URL   PostgreSQL server for the second run (default postgres://postgres@127.0.0.1:5432/bianmin)
# Extra arguments go to both pytest runs, e.g. ./test.sh -k calendar
set -euo pipefail
cd "$(dirname "$0")"
scripts/install --dev

if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium and fonts-noto-cjk for the browser tests ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "test: the browser tests need Debian's chromium and fonts-noto-cjk:" >&2
    echo "      sudo apt-get install chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi

pg_url=${BIANMIN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/bianmin}
if ! .venv/bin/python -c "import psycopg, sys; psycopg.connect(sys.argv[1].rsplit('/', 1)[0] + '/postgres', connect_timeout=5).close()" "$pg_url" 2>/dev/null; then
  echo "test: PostgreSQL is not reachable at $pg_url; start it or set BIANMIN_TEST_PG_URL" >&2
  exit 1
fi

# Tests write their files (secret key, uploads) to a throwaway directory, never to var/.
BIANMIN_DATA_DIR=$(mktemp -d)
export BIANMIN_DATA_DIR
trap 'rm -rf "$BIANMIN_DATA_DIR"' EXIT

echo "== ruff";            .venv/bin/ruff check . && .venv/bin/ruff format --check --quiet .
echo "== mypy";            .venv/bin/mypy bianmin
echo "== migrations";      .venv/bin/bianmin makemigrations --check --dry-run

run_pytest() {
  local label=$1; shift
  echo "== pytest on $label"
  set +e
  "$@"
  local rc=$?
  set -e
  if [ $rc = 5 ]; then echo "test: no tests were collected on $label" >&2; exit 1; fi
  if [ $rc != 0 ]; then echo "test: pytest failed on $label (exit $rc)" >&2; exit $rc; fi
}
run_pytest SQLite env -u DATABASE_URL .venv/bin/pytest "$@"
run_pytest PostgreSQL env DATABASE_URL="$pg_url" .venv/bin/pytest "$@"
echo "== all checks passed on SQLite and PostgreSQL"
