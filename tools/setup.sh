#!/usr/bin/env bash
# Installs what the suite and its tests need beyond an Odoo 18: Python packages,
# Debian's chromium for the tours, espeak-ng and sox for IVR prompts, a running
# PostgreSQL. Safe to run again.
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
sox -h 2>/dev/null | grep -qw mp3 || missing+=(libsox-fmt-mp3)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

"$PYTHON" -m pip install -q --disable-pip-version-check -r requirements.txt

# Extra Odoo addons from PyPI go into var/odoo-extra, which the run and test commands
# put on the addons path: installed into site-packages, their `odoo/` folder would
# shadow an Odoo installed in editable mode.
if "$PYTHON" -c 'import sys; sys.path.insert(0, "tools"); import odoo_env; odoo_env.find_odoo()' 2>/dev/null; then
  if ! cmp -s requirements-odoo.txt var/odoo-extra/.requirements 2>/dev/null; then
    "$PYTHON" -m pip install -q --disable-pip-version-check --no-deps --upgrade \
      --target var/odoo-extra -r requirements-odoo.txt
    cp requirements-odoo.txt var/odoo-extra/.requirements
  fi
fi

"$PYTHON" -c 'import sys; sys.path.insert(0, "tools"); import odoo_env; odoo_env.ensure_postgres()'
