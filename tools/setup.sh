#!/usr/bin/env bash
# Installs what the suite and its tests need beyond an Odoo 18: Python packages,
# Debian's chromium for the tours, a running PostgreSQL. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup: please install the Debian packages: $* (needs root and apt-get)"
    return 0
  fi
  if [ -z "$(find /var/lib/apt/lists -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

"$PYTHON" -m pip install -q --disable-pip-version-check -r requirements.txt

if "$PYTHON" -c 'import sys; sys.path.insert(0, "tools"); import odoo_env; odoo_env.find_odoo()' 2>/dev/null; then
  "$PYTHON" -m pip install -q --disable-pip-version-check --no-deps -r requirements-odoo.txt
fi

"$PYTHON" -c 'import sys; sys.path.insert(0, "tools"); import odoo_env; odoo_env.ensure_postgres()'
