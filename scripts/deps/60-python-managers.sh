#!/usr/bin/env bash
# What test/python-managers.test.ts needs: a Debian trixie root filesystem with Python 3.13, python3-venv (pip
# through ensurepip), Debian's Poetry (python3-poetry, 2.1) and Debian's Pipenv, built with mmdebstrap from the
# Debian mirror. The machine's own apt sources are never read or changed: mmdebstrap brings its own configuration.
# The test runs the install lines of generated Dockerfiles inside this root against a package index it serves on
# 127.0.0.1 from the container wheelhouse (scripts/deps/30-containers.sh).
#
# The root lands in $DEPLOYSPEC_TEST_CACHE/python-managers-<key>/root (default /opt/deployspec-test), where <key> is
# the first 16 hex digits of this file's sha256: editing this file builds a new root, and the test looks for exactly
# that key. Beside it: versions.txt and ok. Idempotent: quiet and instant when the root is in place; a cold build
# takes a few minutes. A failure is loud; under CI=true it also fails this script (and so `npm test`), elsewhere
# the test skips loudly.
# shellcheck disable=SC2016,SC2317 # hooks get $1 from mmdebstrap; cleanup runs from a trap
set -uo pipefail
# mmdebstrap runs helpers through `env python3`: the system's, not a pyenv/virtualenv shim first on PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
BASE=${DEPLOYSPEC_TEST_CACHE:-/opt/deployspec-test}
MIRROR=${DEPLOYSPEC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
KEY=$(sha256sum "$SELF" | cut -c1-16)
DIR="$BASE/python-managers-$KEY"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

fail() {
  echo "!! 60-python-managers.sh: $*" >&2
  echo "!! The Poetry/Pipenv install test (test/python-managers.test.ts) will be SKIPPED (FAIL under CI=true)." >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
}

if [ -f "$DIR/ok" ]; then
  touch "$DIR"
  exit 0
fi
[ "$(id -u)" = 0 ] || fail "not root: cannot build the Debian root filesystem in $DIR (run \`sudo bash scripts/system-deps.sh\`)."
for tool in mmdebstrap chroot unshare setsid sha256sum flock; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/deps/10-debian.sh installs mmdebstrap)."
done
[ -f "$KEYRING" ] || fail "$KEYRING is missing (package debian-archive-keyring)."

mkdir -p "$BASE" || fail "cannot create $BASE"
# Two `npm test` runs at once build the root once.
exec 9>"$BASE/.python-managers.lock"
flock 9
[ -f "$DIR/ok" ] && exit 0

start=$(date +%s)
echo "building the Poetry/Pipenv test root in $DIR (Debian trixie, a few minutes)..." >&2
BUILD=$(mktemp -d "$BASE/.build-python-managers-$KEY.XXXXXX") || fail "mktemp in $BASE failed"
MM_PGID=
cleanup() {
  # mmdebstrap mounts /proc, /sys and /dev inside the root while it works, in a private mount namespace that goes
  # away with it; still, never delete through a mount.
  if [ -n "$MM_PGID" ]; then
    kill -TERM -- "-$MM_PGID" 2>/dev/null
    sleep 3
    kill -KILL -- "-$MM_PGID" 2>/dev/null
    wait 2>/dev/null
  fi
  if [ -n "${BUILD:-}" ] && [ -d "$BUILD" ]; then
    findmnt -rn -o TARGET | grep -F "$BUILD/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf --one-file-system "$BUILD"
  fi
}
trap cleanup EXIT
trap 'echo "!! interrupted: the Poetry/Pipenv test root was not built" >&2; exit 130' INT TERM HUP

# --variant=essential: no apt inside, only what the test runs. /app and /opt are the mount points of the project's
# dependency files and of the virtualenvs (the test mounts throwaway folders there; the root itself stays read-only).
setsid unshare --mount --propagation private mmdebstrap --quiet --mode=root --variant=essential \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --include=python3,python-is-python3,python3-venv,python3-poetry,pipenv,ca-certificates \
  --customize-hook='mkdir -p "$1/app" "$1/opt"' \
  trixie "$BUILD/root" "deb [signed-by=$KEYRING] $MIRROR trixie main" "deb [signed-by=$KEYRING] $MIRROR trixie-updates main" \
  >"$BUILD/mmdebstrap.log" 2>&1 &
MM_PGID=$!
wait "$MM_PGID" || { tail -30 "$BUILD/mmdebstrap.log" >&2; MM_PGID=; fail "mmdebstrap trixie failed (mirror $MIRROR)"; }
MM_PGID=

# Each tool must run in the root, and a virtualenv there must get pip.
inroot() { chroot "$BUILD/root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 "$@"; }
{
  inroot python3 --version &&
    inroot poetry --version --no-ansi &&
    inroot pipenv --version &&
    inroot sh -c 'python -m venv /tmp/probe-venv && /tmp/probe-venv/bin/pip --version && rm -rf /tmp/probe-venv'
} >"$BUILD/versions.txt" 2>&1 || { cat "$BUILD/versions.txt" >&2; fail "the root cannot run python3, poetry, pipenv or make a virtualenv with pip"; }
chroot "$BUILD/root" dpkg-query -W python3 python3-poetry python3-poetry-core pipenv >>"$BUILD/versions.txt" 2>&1

rm -f "$BUILD/mmdebstrap.log"
touch "$BUILD/ok"
chmod 755 "$BUILD"
mv "$BUILD" "$DIR" || fail "cannot move the root into $DIR"
BUILD=
# Roots of other versions of this script that nobody used for a day.
find "$BASE" -mindepth 1 -maxdepth 1 -name 'python-managers-*' ! -name "python-managers-$KEY" -mmin +1440 -exec rm -rf --one-file-system {} + 2>/dev/null
echo "Poetry/Pipenv test root ready in $DIR after $(($(date +%s) - start)) s:" >&2
sed 's/^/  /' "$DIR/versions.txt" >&2
exit 0
