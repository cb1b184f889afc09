#!/usr/bin/env bash
# kustomize for test/kubernetes.test.ts, which renders every generated overlay with `kustomize build`. Debian ships
# it (package `kustomize`, a static Go binary) in trixie and sid; it is fetched with a PRIVATE apt configuration
# (its own sources list, lists, cache and empty status; the machine's own apt sources are never read or changed)
# and unpacked with dpkg-deb -x into $DEPLOYSPEC_TEST_CACHE/kustomize (default /opt/deployspec-test/kustomize), so
# the binary is $DEPLOYSPEC_TEST_CACHE/kustomize/usr/bin/kustomize. Nothing is installed with dpkg.
#
# Idempotent: quiet when the binary is there and runs; a cold fetch takes a few seconds. A failure is loud; under
# CI=true it also fails this script (and so `npm test`), elsewhere the kustomize tests skip loudly.
set -uo pipefail
BASE=${DEPLOYSPEC_TEST_CACHE:-/opt/deployspec-test}
MIRROR=${DEPLOYSPEC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DIR="$BASE/kustomize"
BIN="$DIR/usr/bin/kustomize"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

fail() {
  echo "!! $*" >&2
  echo "!! kustomize is NOT available: the \`kustomize build\` tests of the kubernetes target will be SKIPPED (FAIL under CI=true)." >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
}

if [ -x "$BIN" ] && "$BIN" version >/dev/null 2>&1; then
  exit 0
fi
[ "$(id -u)" = 0 ] || fail "not root: cannot fetch Debian's kustomize into $DIR (run \`sudo bash scripts/system-deps.sh\`)."
for tool in apt-get dpkg-deb flock; do
  command -v "$tool" >/dev/null || fail "$tool is missing."
done
[ -f "$KEYRING" ] || fail "$KEYRING is missing (package debian-archive-keyring)."

mkdir -p "$BASE" || fail "cannot create $BASE"
exec 9>"$BASE/.kustomize.lock"
flock 9
[ -x "$BIN" ] && "$BIN" version >/dev/null 2>&1 && exit 0

BUILD=$(mktemp -d "$BASE/.build-kustomize.XXXXXX") || fail "mktemp in $BASE failed"
trap 'rm -rf --one-file-system "$BUILD"' EXIT
APT="$BUILD/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs" "$BUILD/root"
: >"$APT/status"
# trixie first; sid as the fallback (the sid build is a static binary too and runs on bookworm).
for suite in trixie sid; do
  echo "deb [signed-by=$KEYRING] $MIRROR $suite main"
done >"$APT/sources.list"
APTOPTS=(
  -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=-
  -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=/dev/null
  -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Dir::State::status="$APT/status"
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
  -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root
)
apt-get "${APTOPTS[@]}" update -qq >"$APT/update.log" 2>&1 || { cat "$APT/update.log" >&2; fail "apt-get update (private configuration: trixie, sid) failed"; }
got=
for pkg in kustomize/trixie kustomize/sid; do
  if (cd "$APT/debs" && apt-get "${APTOPTS[@]}" download -qq "$pkg") >"$APT/download.log" 2>&1; then
    got=$pkg
    break
  fi
done
[ -n "$got" ] || { cat "$APT/download.log" >&2; fail "apt-get download kustomize (trixie or sid) failed"; }
dpkg-deb -x "$APT"/debs/kustomize_*.deb "$BUILD/root" || fail "dpkg-deb -x of the kustomize package failed"
# Debian's build reports its version as "(devel)": the package version says which kustomize it is.
version=$(dpkg-deb -f "$APT"/debs/kustomize_*.deb Version) || fail "cannot read the kustomize package version"
out=$("$BUILD/root/usr/bin/kustomize" version 2>&1) || fail "the unpacked kustomize does not run: $out"

rm -rf --one-file-system "$DIR"
mv "$BUILD/root" "$DIR" || fail "cannot move kustomize into $DIR"
echo "$got $version" >"$DIR/VERSION"
echo "kustomize ready in $DIR ($got, $version)" >&2
exit 0
