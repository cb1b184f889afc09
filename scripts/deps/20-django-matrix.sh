#!/usr/bin/env bash
# The Django matrix of test/django-e2e.test.ts: two Debian root filesystems, built with mmdebstrap from the Debian
# mirror (the machine's own apt sources are never changed; packages of other suites are fetched with a private apt
# configuration and unpacked with dpkg-deb -x):
#
#   trixie/  Python 3.13: Django 4.2 LTS (trixie + trixie-security, by apt); 4.2 lists Python <= 3.12 upstream and
#            runs on 3.13 in Debian, so it is not run on sid's newer Python. gunicorn and dj-database-url from sid
#            (pinned below trixie otherwise), psycopg2 and WhiteNoise from trixie; psycopg 3 (sid, pure Python)
#            unpacked in /opt/deployspec/psycopg3.
#   sid/     Python 3.14: Django 6.x (experimental, by apt; it requires Python >= 3.12) and Django 5.2 LTS (sid,
#            unpacked in /opt/deployspec/django-5.2); gunicorn, WhiteNoise, dj-database-url, psycopg2 from sid;
#            psycopg 3 with its C implementation (sid) unpacked in /opt/deployspec/psycopg3.
#
# psycopg 3 lives outside dist-packages because Django's postgresql backend takes psycopg 3 whenever it can import
# it: the test puts it on PYTHONPATH for the psycopg 3 runs and leaves it off for the psycopg2 runs.
#
# Everything lands in $DEPLOYSPEC_TEST_CACHE/django-<key> (default /opt/deployspec-test), where <key> is the first 16
# hex digits of this file's sha256: editing this file builds a new matrix, and the test looks for exactly that key.
# The folder holds matrix.tsv (series, Django version, root, PYTHONPATH, Python version), versions.txt and ok.
# Idempotent: quiet when the matrix is in place; a cold build takes about a minute. A failure is loud; under
# CI=true it also fails this script (and so `npm test`), elsewhere the Django end-to-end tests skip loudly.
# shellcheck disable=SC2016,SC2317 # hooks get $1 from mmdebstrap; cleanup runs from a trap
set -uo pipefail
# mmdebstrap runs helpers through `env python3`: the system's, not a pyenv/virtualenv shim first on PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
BASE=${DEPLOYSPEC_TEST_CACHE:-/opt/deployspec-test}
MIRROR=${DEPLOYSPEC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEPLOYSPEC_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
KEY=$(sha256sum "$SELF" | cut -c1-16)
DIR="$BASE/django-$KEY"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

fail() {
  echo "!! $*" >&2
  echo "!! The Django end-to-end matrix (4.2 / 5.2 / 6.x) is NOT available: those tests will be SKIPPED (FAIL under CI=true)." >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
}

if [ -f "$DIR/ok" ]; then
  touch "$DIR"
  exit 0
fi
[ "$(id -u)" = 0 ] || fail "not root: cannot build the Debian root filesystems in $DIR (run \`sudo bash scripts/system-deps.sh\`)."
for tool in mmdebstrap apt-get dpkg-deb chroot unshare sha256sum flock; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/deps/10-debian.sh installs mmdebstrap)."
done
[ -f "$KEYRING" ] || fail "$KEYRING is missing (package debian-archive-keyring)."

mkdir -p "$BASE" || fail "cannot create $BASE"
# Two `npm test` runs at once build the matrix once.
exec 9>"$BASE/.django-matrix.lock"
flock 9
[ -f "$DIR/ok" ] && exit 0

start=$(date +%s)
echo "building the Django test matrix in $DIR (Debian trixie + sid root filesystems, about a minute)..." >&2
BUILD=$(mktemp -d "$BASE/.build-django-$KEY.XXXXXX") || fail "mktemp in $BASE failed"
GROUPS_RUNNING=()
running() {
  local g
  for g in "${GROUPS_RUNNING[@]}"; do kill -0 -- "-$g" 2>/dev/null && return 0; done
  return 1
}
cleanup() {
  # Interrupted: stop the mmdebstrap runs (each is its own process group; on TERM it first finishes its current
  # stage, so KILL follows after a few seconds). They mount /proc, /sys and /dev inside a root while they work, in
  # a private mount namespace that goes away with them; still, never delete through a mount.
  local g _
  for g in "${GROUPS_RUNNING[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    running || break
    sleep 1
  done
  for g in "${GROUPS_RUNNING[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
  wait 2>/dev/null
  if [ -n "${BUILD:-}" ] && [ -d "$BUILD" ]; then
    findmnt -rn -o TARGET | grep -F "$BUILD/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf --one-file-system "$BUILD"
  fi
}
trap cleanup EXIT
trap 'echo "!! interrupted: the Django test matrix was not built" >&2; exit 130' INT TERM HUP

# Private apt configuration: its own sources, lists, cache and (empty) status; nothing of /etc/apt is read for
# sources or preferences. Release files of sid/experimental on mirrors may be past Valid-Until; signatures are
# still checked against the Debian archive keyring.
APT="$BUILD/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs"
: >"$APT/status"
echo "deb [signed-by=$KEYRING] $MIRROR sid main" >"$APT/sources.list"
APTOPTS=(
  -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/dev/null
  -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=/dev/null
  -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Dir::State::status="$APT/status"
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
  -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root
)
apt-get "${APTOPTS[@]}" update -qq >"$APT/update.log" 2>&1 || { cat "$APT/update.log" >&2; fail "apt-get update (private configuration: sid) failed"; }
(cd "$APT/debs" && apt-get "${APTOPTS[@]}" download -qq python3-django/sid python3-psycopg/sid python3-psycopg-c/sid) >"$APT/download.log" 2>&1 ||
  { cat "$APT/download.log" >&2; fail "apt-get download of python3-django (sid) / python3-psycopg (sid) failed"; }

# Root filesystems, both at once. --variant=essential: no apt inside, only what the tests run.
MMOPTS=(--quiet --mode=root --variant=essential --aptopt='Acquire::Check-Valid-Until "false"'
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --customize-hook='mkdir -p "$1/app" "$1/workspace" "$1/opt/deployspec"')
COMMON=python3,python-is-python3,python3-whitenoise,python3-psycopg2,libpq5,libjs-jquery
# sid at priority 100 in trixie: only the packages named with /sid come from there.
MMDEBSTRAP=(setsid unshare --mount --propagation private mmdebstrap)
"${MMDEBSTRAP[@]}" "${MMOPTS[@]}" \
  --setup-hook='mkdir -p "$1/etc/apt/preferences.d" && printf "Package: *\nPin: release n=sid\nPin-Priority: 100\n" >"$1/etc/apt/preferences.d/sid"' \
  --include="$COMMON,python3-django,gunicorn/sid,python3-gunicorn/sid,python3-dj-database-url/sid" \
  trixie "$BUILD/trixie" "deb [signed-by=$KEYRING] $MIRROR trixie main" "deb [signed-by=$KEYRING] $MIRROR trixie-updates main" \
  "deb [signed-by=$KEYRING] $SECURITY trixie-security main" "deb [signed-by=$KEYRING] $MIRROR sid main" \
  >"$BUILD/trixie.log" 2>&1 &
trixie_pid=$!
GROUPS_RUNNING+=("$trixie_pid")
"${MMDEBSTRAP[@]}" "${MMOPTS[@]}" \
  --include="$COMMON,python3-django/experimental,gunicorn,python3-dj-database-url" \
  sid "$BUILD/sid" "deb [signed-by=$KEYRING] $MIRROR sid main" "deb [signed-by=$KEYRING] $MIRROR experimental main" \
  >"$BUILD/sid.log" 2>&1 &
sid_pid=$!
GROUPS_RUNNING+=("$sid_pid")
wait "$trixie_pid" || { cat "$BUILD/trixie.log" >&2; wait "$sid_pid"; fail "mmdebstrap trixie failed"; }
wait "$sid_pid" || { cat "$BUILD/sid.log" >&2; fail "mmdebstrap sid failed"; }
GROUPS_RUNNING=()

debs=$APT/debs
unpack() { # unpack ROOT FOLDER DEB...
  local root=$1 folder=$2
  shift 2
  mkdir -p "$root$folder" || return 1
  for deb in "$@"; do dpkg-deb -x "$deb" "$root$folder" || return 1; done
  # Debian's Django links the admin's jQuery to /usr/share/javascript by relative paths.
  [ -e "$root$folder/usr/share/javascript" ] || { mkdir -p "$root$folder/usr/share" && ln -s /usr/share/javascript "$root$folder/usr/share/javascript"; }
}
unpack "$BUILD/sid" /opt/deployspec/django-5.2 "$debs"/python3-django_*.deb || fail "unpacking Django 5.2 failed"
unpack "$BUILD/sid" /opt/deployspec/psycopg3 "$debs"/python3-psycopg_*.deb "$debs"/python3-psycopg-c_*.deb || fail "unpacking psycopg 3 (sid) failed"
unpack "$BUILD/trixie" /opt/deployspec/psycopg3 "$debs"/python3-psycopg_*.deb || fail "unpacking psycopg 3 (trixie) failed"
# apt compiled what it installed; the unpacked trees get their bytecode here (the tests run the roots read-only).
for root in trixie sid; do
  chroot "$BUILD/$root" python3 -m compileall -q -j 0 /opt/deployspec >/dev/null || fail "compileall in $root failed"
done

SITE=usr/lib/python3/dist-packages
# Each Django must import with its root's Python, and that Python must satisfy the Requires-Python of its .deb's
# metadata; psycopg 3 imports only from its own folder; no dangling symlink anywhere we put Python code.
probe='
import importlib.metadata as md, sys, django, whitenoise, gunicorn, dj_database_url, psycopg2
req = md.metadata("django")["Requires-Python"]
need = tuple(int(x) for x in req.removeprefix(">=").split("."))
assert sys.version_info[:len(need)] >= need, f"Django {django.get_version()} requires Python {req}, this is {sys.version}"
try:
    import psycopg
    sys.exit("psycopg 3 must not be importable without its PYTHONPATH entry")
except ImportError:
    pass
sys.path.insert(0, "/opt/deployspec/psycopg3/'"$SITE"'")
import psycopg
print(django.get_version(), sys.version.split()[0], req, psycopg.__version__, psycopg.pq.__impl__, sep="\t")
'
inroot() { # inroot ROOT PYTHONPATH ARGS...
  local root=$1 pp=$2
  shift 2
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$pp" "$@"
}
: >"$BUILD/matrix.tsv"
for entry in "4.2 trixie" "5.2 sid /opt/deployspec/django-5.2/$SITE" "6 sid"; do
  read -r series root pp <<<"$entry"
  out=$(inroot "$BUILD/$root" "${pp:-}" python3 -c "$probe" 2>&1) || fail "Django $series in $root: $out"
  IFS=$'\t' read -r version python req pg3 impl <<<"$out"
  case "$version" in "$series".*) ;; *) fail "expected Django $series.x in $root, found '$version'" ;; esac
  printf '%s\t%s\t%s\t%s\t%s\n' "$series" "$version" "$root" "${pp:-}" "$python" >>"$BUILD/matrix.tsv"
  echo "Django $version (Requires-Python $req) on Python $python in $root; psycopg $pg3 ($impl)" >>"$BUILD/versions.txt"
done
for root in trixie sid; do
  dangling=$(chroot "$BUILD/$root" find /usr/lib/python3 /opt/deployspec -xtype l 2>&1 | head -5)
  [ -z "$dangling" ] || fail "dangling links in $root: $dangling"
  {
    echo "== $root"
    chroot "$BUILD/$root" dpkg-query -W python3 python3-django gunicorn python3-whitenoise python3-dj-database-url python3-psycopg2 libpq5
    for deb in "$BUILD/$root"/opt/deployspec/*; do echo "unpacked: ${deb##*/}"; done
  } >>"$BUILD/versions.txt"
done

rm -rf "$APT" "$BUILD"/*.log
touch "$BUILD/ok"
mv "$BUILD" "$DIR" || fail "cannot move the matrix into $DIR"
BUILD=
# Matrices of other versions of this script that nobody used for a day.
find "$BASE" -mindepth 1 -maxdepth 1 -name 'django-*' ! -name "django-$KEY" -mmin +1440 -exec rm -rf --one-file-system {} + 2>/dev/null
echo "Django test matrix ready in $DIR after $(($(date +%s) - start)) s:" >&2
sed 's/^/  /' "$DIR/versions.txt" >&2
exit 0
