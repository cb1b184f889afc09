#!/usr/bin/env bash
# Installs the machine's own (bookworm) Debian packages the real-software tests use, when they are missing and we
# are root: PostgreSQL (the Django end-to-end test's database server), mmdebstrap (builds the Debian root
# filesystems of the Django matrix, scripts/deps/20-django-matrix.sh), openssl (the test's self-signed server
# certificate), shellcheck and docker-compose. Only the machine's configured sources are used; packages of other
# Debian suites are never installed here. Without root it says loudly what is missing; the tests that need it then
# skip with a message (under CI=true they fail). Idempotent and quiet when everything is in place.
set -uo pipefail
PKGS=(postgresql openssl mmdebstrap shellcheck docker-compose)
is_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

# Left behind by an earlier version of this script, which added bookworm-backports to the machine's sources.
OLD_SOURCE=/etc/apt/sources.list.d/deployspec-bookworm-backports.sources
if [ -f "$OLD_SOURCE" ] && is_root; then
  echo "removing $OLD_SOURCE (added by an earlier deployspec test setup)" >&2
  rm -f "$OLD_SOURCE"
fi
# Django 4.2 unpacked from bookworm-backports by that version; the matrix lives elsewhere now.
if [ -d /opt/deployspec-test/django42 ] && is_root; then rm -rf --one-file-system /opt/deployspec-test/django42; fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! is_root; then
  echo "!! WARNING: missing Debian packages: ${missing[*]}" >&2
  echo "!! The real-software tests that need them will be SKIPPED. Install them with apt-get as root." >&2
  exit 0
fi
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq >"$log" 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; }; then
  cat "$log" >&2
  echo "!! apt-get could not install: ${missing[*]}" >&2
  exit 1
fi
exit 0
