#!/usr/bin/env bash
# Installs the Debian packages the real-software tests use, when they are missing and we are root.
# Without root it says loudly what is missing; the tests that need it then skip with a message.
set -uo pipefail
PKGS=(python3-django gunicorn python3-whitenoise python3-dj-database-url python3-psycopg2 postgresql shellcheck docker-compose)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "!! WARNING: missing Debian packages: ${missing[*]}" >&2
  echo "!! The real-software tests that need them will be SKIPPED. Install them with apt-get as root." >&2
  exit 0
fi
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
