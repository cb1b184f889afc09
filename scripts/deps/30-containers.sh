#!/usr/bin/env bash
# What the container tests (test/container.test.ts) need: podman with runc, slirp4netns, uidmap, fuse-overlayfs
# and catatonit from the machine's apt (bookworm); stand-in base images; and a wheelhouse. Nothing is pulled from a
# registry or PyPI (neither is reachable):
#   - python stand-in: Debian bookworm made by mmdebstrap from the Debian mirror, with Debian's python3 (3.11),
#     python3-venv and libpq5 (the real psycopg2-binary wheel bundles libpq), `python` on PATH as in the official
#     image. It stands in for every python:<version>-slim* tag a generated FROM line names: the Python version
#     inside is always Debian's 3.11.
#   - node stand-in: the python stand-in plus the node binary and npm of the machine running the tests (Node 20+),
#     laid out as the official node image does (/usr/local/bin, /usr/local/lib/node_modules/npm).
#   - wheelhouse: Debian's python3-* packages (Django 3.2, gunicorn, WhiteNoise, dj-database-url, psycopg2, and
#     sentry-sdk and redis with their dependencies) repacked as wheels with their real names, versions,
#     dependencies and console scripts; psycopg2 is offered as psycopg2-binary too. The tests mount it, with a
#     pip.conf saying `no-index` + `find-links`, into `podman build --volume`, so the generated Dockerfile's own
#     `pip install` runs unchanged and offline, and neither file reaches an image layer.
# Everything goes under a folder keyed by this script's content and the node version, so a change rebuilds it and
# a cached run takes well under a second. Runs as root (from scripts/system-deps.sh); loud about what it could not
# do: outside CI the container tests then skip loudly, under CI=true they fail.
set -uo pipefail
BASE=${DEPLOYSPEC_CONTAINERS_DIR:-/opt/deployspec-test/containers}
PKGS=(podman runc slirp4netns uidmap fuse-overlayfs catatonit containernetworking-plugins mmdebstrap)
MIRROR=${DEPLOYSPEC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PY_ROOTS=(python3-django python3-gunicorn python3-whitenoise python3-dj-database-url python3-psycopg2 python3-redis python3-urllib3 python3-certifi)
# Newer than bookworm's: what the generated requirements-deploy.txt and the examples ask for (Django>=4.2, gunicorn>=23,
# WhiteNoise>=6.8, sentry-sdk>=1.40), all pure Python.
PY_NEWER=(trixie:python3-sentry-sdk trixie:python3-django trixie:python3-gunicorn trixie:python3-whitenoise)
# Parts of Python or setuptools itself, already in every virtualenv.
PY_SKIP='^python3-(distutils|lib2to3|pkg-resources|setuptools|pip|venv|minimal)$'

die() { echo "!! 30-containers.sh: $*" >&2; exit 1; }
warn() { echo "!! WARNING: $*" >&2; }
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  warn "not root with apt: podman, the stand-in base images and the wheelhouse are not set up; the container tests will be SKIPPED (run scripts/system-deps.sh as root)."
  exit 0
fi
command -v node >/dev/null || die "node is not on PATH (the node stand-in image copies the machine's node)"
NODE_BIN=$(readlink -f "$(command -v node)")
NPM_DIR=$(readlink -f "$(dirname "$NODE_BIN")/../lib/node_modules/npm")
[ -f "$NPM_DIR/bin/npm-cli.js" ] || die "npm not found beside $NODE_BIN (looked in $NPM_DIR)"
KEY=$({ cat "$0"; "$NODE_BIN" --version; dpkg --print-architecture; } | sha256sum | cut -c1-16)
DIR=$BASE/$KEY
[ -f "$DIR/.ok" ] && exit 0
# One set-up at a time (several `npm test` runs may start together); the second finds the first one's result.
mkdir -p "$BASE" || die "cannot create $BASE"
exec 9>"$BASE/.lock"
flock 9 || die "cannot lock $BASE/.lock"
[ -f "$DIR/.ok" ] && exit 0

start=$(date +%s)
echo "setting up container tests in $DIR (podman, stand-in base images, wheelhouse; a few minutes the first time)" >&2
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  { apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; } ||
    die "apt-get could not install: ${missing[*]}"
fi

NEW=$DIR.new
TMP=$NEW/tmp
# podman bind-mounts its overlay folder onto itself: unmount before removing.
cleanup() { umount -R "$TMP/store/overlay" 2>/dev/null; rm -rf "$TMP"; }
cleanup
rm -rf "$NEW"
mkdir -p "$NEW"/{images,wheelhouse} "$TMP" || die "cannot create $NEW"
trap cleanup EXIT

# --- wheelhouse -------------------------------------------------------------------------------------------------
mkdir -p "$TMP/debs" "$TMP/root"
mapfile -t closure < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances --no-pre-depends "${PY_ROOTS[@]}" 2>/dev/null | grep -E '^python3-[a-z0-9.-]+$' | grep -vE "$PY_SKIP" | sort -u)
[ ${#closure[@]} -ge ${#PY_ROOTS[@]} ] || die "apt-cache found no dependency closure for ${PY_ROOTS[*]} (apt-get update?)"
# A package taken from a newer suite replaces bookworm's (both unpacked in one root would mix their metadata).
newer=" ${PY_NEWER[*]#*:} "
mapfile -t closure < <(for p in "${closure[@]}"; do case "$newer" in *" $p "*) ;; *) echo "$p" ;; esac; done)
# Django's admin links its jQuery to libjs-jquery: unpacked beside it so the links resolve.
(cd "$TMP/debs" && apt-get download -qq -o APT::Sandbox::User=root "${closure[@]}" libjs-jquery >/dev/null 2>&1) ||
  die "apt-get download failed for: ${closure[*]} libjs-jquery"
# Packages of another suite: a private apt configuration (own sources, lists and cache); the machine's sources
# are never touched.
PAPT=$TMP/apt
mkdir -p "$PAPT"/{sources.list.d,lists/partial,cache/archives/partial}
for item in "${PY_NEWER[@]}"; do
  printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$MIRROR" "${item%%:*}" >"$PAPT/sources.list.d/${item%%:*}.sources"
done
APTO=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$PAPT/sources.list.d" -o "Dir::State::Lists=$PAPT/lists"
  -o "Dir::Cache=$PAPT/cache" -o APT::Sandbox::User=root)
apt-get "${APTO[@]}" update -qq >/dev/null 2>&1 || die "apt-get update with the private sources in $PAPT failed"
for item in "${PY_NEWER[@]}"; do
  (cd "$TMP/debs" && apt-get "${APTO[@]}" download -qq "${item#*:}/${item%%:*}" >/dev/null 2>&1) || die "cannot download ${item#*:} from ${item%%:*}"
done
for deb in "$TMP"/debs/*.deb; do dpkg-deb -x "$deb" "$TMP/root" || die "cannot unpack $deb"; done
cat >"$TMP/debs2wheels.py" <<'PY'
"""Repacks Debian python3-* packages as wheels. usage: debs2wheels.py ROOT OUTDIR DEB...
ROOT holds every package unpacked (so Debian's symlinks into other packages resolve); each deb's files under
dist-packages become one wheel whose METADATA comes from the package's egg-info/dist-info (requires.txt becomes
Requires-Dist) and whose entry_points.txt gives pip the console scripts."""
import base64, hashlib, os, re, subprocess, sys, zipfile

SITE = "usr/lib/python3/dist-packages/"
STAMP = (2020, 1, 1, 0, 0, 0)

def requires_from_txt(text):
    out, section = [], ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line[1:-1]
            continue
        extra, _, marker = section.partition(":")
        cond = ([f"({marker})" if extra else marker] if marker else []) + ([f'extra == "{extra}"'] if extra else [])
        out.append(line + ("; " + " and ".join(cond) if cond else ""))
    return out

def read_deb(root, deb):
    """(dist name, version, metadata text, entry points, files, debian python3-* dependencies) of one package."""
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True, capture_output=True).stdout
    names = subprocess.run(["tar", "-t"], input=tar, check=True, capture_output=True).stdout.decode().split("\n")
    rel = sorted({n[2:] for n in names if n.startswith("./" + SITE) and not n.endswith("/") and "__pycache__" not in n})
    if not rel:
        return None
    metas = sorted({r[len(SITE):].split("/")[0] for r in rel if r[len(SITE):].split("/")[0].endswith((".egg-info", ".dist-info"))})
    if len(metas) != 1:
        raise SystemExit(f"{deb}: expected one egg-info or dist-info, found {metas}")
    meta = os.path.join(root, SITE, metas[0])
    def read(name):
        p = os.path.join(meta, name) if os.path.isdir(meta) else (meta if name == "PKG-INFO" else "")
        return open(p, encoding="utf-8").read() if p and os.path.isfile(p) else ""
    pkginfo = read("METADATA") or read("PKG-INFO")
    head, _, body = pkginfo.partition("\n\n")
    requires = re.findall(r"^Requires-Dist: *(.+)$", head, re.M) or requires_from_txt(read("requires.txt"))
    head = re.sub(r"^(Requires-Dist|Provides-Extra):.*\n?", "", head, flags=re.M)
    name = re.search(r"^Name: *(.+)$", head, re.M).group(1).strip()
    version = re.search(r"^Version: *(.+)$", head, re.M).group(1).strip()
    depends = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], check=True, capture_output=True, text=True).stdout
    debdeps = re.findall(r"(?:^|[,|] *)(python3-[a-z0-9.+-]+)", depends)
    files = [r for r in rel if not r[len(SITE):].startswith(metas[0])]
    return {"name": name, "version": version, "head": head.rstrip("\n"), "body": body, "requires": requires,
            "entry_points": read("entry_points.txt"), "files": files, "debdeps": debdeps}

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

def convert_all(root, outdir, debs):
    """Debian strips install_requires from the metadata (its Depends say it instead): they come back from Depends."""
    info = {}
    for deb in debs:
        d = read_deb(root, deb)
        if d:
            info[os.path.basename(deb).split("_")[0]] = d
    made = []
    for pkg, d in info.items():
        requires = list(d["requires"])
        have = {norm(re.split(r"[ ;<>=!~\[(]", r, maxsplit=1)[0]) for r in requires if "extra ==" not in r}
        for dep in d["debdeps"]:
            if dep in info and norm(info[dep]["name"]) not in have and dep != pkg:
                requires.append(info[dep]["name"])
                have.add(norm(info[dep]["name"]))
        extras = sorted({m for r in requires for m in re.findall(r'extra == "([^"]+)"', r)})
        metadata = "\n".join([d["head"]] + [f"Requires-Dist: {r}" for r in requires] + [f"Provides-Extra: {e}" for e in extras]) + "\n\n" + d["body"]
        tag = "cp311-cp311-linux_x86_64" if any(f.endswith(".so") for f in d["files"]) else "py3-none-any"
        for dist in [d["name"]] + (["psycopg2-binary"] if norm(d["name"]) == "psycopg2" else []):
            text = re.sub(r"^Name: *.+$", f"Name: {dist}", metadata, count=1, flags=re.M)
            made.append(write(root, outdir, d["files"], dist, d["version"], tag, text, d["entry_points"]))
    return made

def write(root, outdir, files, name, version, tag, metadata, entry_points):
    safe = re.sub(r"[-_.]+", "_", name)
    info = f"{safe}-{version}.dist-info"
    path = os.path.join(outdir, f"{safe}-{version}-{tag}.whl")
    record = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(arc, data, mode=0o644):
            zi = zipfile.ZipInfo(arc, date_time=STAMP)
            zi.external_attr = mode << 16
            zf.writestr(zi, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{arc},sha256={digest},{len(data)}")
        for f in files:
            src = os.path.join(root, f)
            if not os.path.isfile(src):
                raise SystemExit(f"{f}: missing or a dangling link")
            with open(src, "rb") as fh:
                add(f[len(SITE):], fh.read(), 0o755 if os.access(src, os.X_OK) else 0o644)
        add(f"{info}/METADATA", metadata.encode())
        purelib = "false" if "linux" in tag else "true"
        add(f"{info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: deployspec debs2wheels\nRoot-Is-Purelib: {purelib}\nTag: {tag}\n".encode())
        if entry_points:
            add(f"{info}/entry_points.txt", entry_points.encode())
        record.append(f"{info}/RECORD,,")
        zf.writestr(zipfile.ZipInfo(f"{info}/RECORD", date_time=STAMP), "\n".join(record) + "\n")
    return os.path.basename(path)

if __name__ == "__main__":
    for w in convert_all(sys.argv[1], sys.argv[2], sys.argv[3:]):
        print(w)
PY
mapfile -t pydebs < <(ls "$TMP"/debs/python3-*.deb)
/usr/bin/python3 "$TMP/debs2wheels.py" "$TMP/root" "$NEW/wheelhouse" "${pydebs[@]}" >"$NEW/wheelhouse.txt" || die "could not repack Debian packages as wheels"
for w in Django- gunicorn- whitenoise- dj_database_url- psycopg2_binary- sentry_sdk-2. redis-; do
  grep -qF "$w" "$NEW/wheelhouse.txt" || die "the wheelhouse has no ${w%[-.]}"
done
printf '[global]\nno-index = true\nfind-links = /wheelhouse\n' >"$NEW/pip.conf"
echo "wheelhouse: $(wc -l <"$NEW/wheelhouse.txt") wheels ($(( $(date +%s) - start )) s)" >&2

# --- podman with a private storage and configuration -----------------------------------------------------------
# The same two files the tests write for their own throwaway storage: cgroupfs (no systemd here), runc, file events.
mkdir -p "$TMP/store" "$TMP/run"
printf '[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "%s"\n' "$TMP/store" "$TMP/run" >"$TMP/storage.conf"
# podman asks runc for RLIMIT_NOFILE and RLIMIT_NPROC of 1048576, which fails without CAP_SYS_RESOURCE (as here):
# ask for this process's own hard limits instead (nproc capped: runc was refused values near the hard limit here).
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n' \
  "$nofile" "$nofile" "$nproc" "$nproc" >"$NEW/containers.conf"
sed "s|^\[engine\]\$|[engine]\ntmp_dir = \"$TMP/podman-tmp\"|" "$NEW/containers.conf" >"$TMP/containers.conf"
pm() { CONTAINERS_STORAGE_CONF="$TMP/storage.conf" CONTAINERS_CONF="$TMP/containers.conf" podman "$@"; }

# --- python stand-in: mmdebstrap from the Debian mirror ----------------------------------------------------------
# The slowest step (1-4 min), so its output is kept beside the keyed folder until the whole setup succeeds.
# shellcheck disable=SC2016,SC2054 # "$1" is expanded by mmdebstrap's hook shell; commas separate package names
MMDEBSTRAP=(mmdebstrap --quiet --variant=minbase --mode=root --format=tar
  --include=python3,python3-venv,libpq5,ca-certificates,netbase,tzdata
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
  --customize-hook='ln -sf /usr/bin/python3 "$1/usr/local/bin/python"'
  bookworm)
ROOTFS=$BASE/python-rootfs-$(printf '%s\n' "${MMDEBSTRAP[@]}" "$MIRROR" | sha256sum | cut -c1-16).tar
if [ ! -s "$ROOTFS" ]; then
  t=$(date +%s)
  TMPDIR=/dev/shm "${MMDEBSTRAP[@]}" "$TMP/python-rootfs.tar" "$MIRROR" >"$TMP/mmdebstrap.log" 2>&1 ||
    { tail -20 "$TMP/mmdebstrap.log" >&2; die "mmdebstrap failed (mirror $MIRROR)"; }
  mv "$TMP/python-rootfs.tar" "$ROOTFS" || die "cannot write $ROOTFS"
  echo "python stand-in root file system: $(( $(date +%s) - t )) s" >&2
fi
PY=localhost/deployspec-standin/python:bookworm
pm import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["python3"]' "$ROOTFS" "$PY" >/dev/null || die "podman import failed"

# --- node stand-in: the python stand-in plus this machine's node and npm -------------------------------------------
mkdir -p "$TMP/node-ctx/npm"
{ cp "$NODE_BIN" "$TMP/node-ctx/node" && cp -a "$NPM_DIR/." "$TMP/node-ctx/npm/"; } || die "cannot copy node and npm"
printf '%s\n' "FROM $PY" 'COPY node /usr/local/bin/node' 'COPY npm /usr/local/lib/node_modules/npm' \
  'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx' \
  'CMD ["node"]' >"$TMP/node-ctx/Containerfile"
NODE=localhost/deployspec-standin/node:bookworm
pm build --quiet --pull=never --network=none --format docker -t "$NODE" "$TMP/node-ctx" >/dev/null || die "building the node stand-in failed"
echo "stand-in images imported and built ($(( $(date +%s) - start )) s)" >&2

# --- smoke test, then save both as archives the tests load into their own storage ----------------------------------
pm run --rm --network=none "$PY" sh -c 'python -m venv /tmp/v && /tmp/v/bin/pip --version && useradd --no-log-init -M probe' >/dev/null ||
  die "the python stand-in cannot make a virtualenv or add a user"
pm run --rm --network=none "$NODE" sh -c 'node --version && npm --version' >/dev/null || die "the node stand-in cannot run node and npm"
for image in python node; do
  ref=$PY && [ "$image" = node ] && ref=$NODE
  pm save --format docker-archive -o "$NEW/images/$image.tar" "$ref" >/dev/null || die "podman save $ref failed"
done
pm rmi -a -f >/dev/null 2>&1
{ echo "podman $(podman --version | awk '{print $3}')"; echo "node $("$NODE_BIN" --version)"; sed 's/^/wheel /' "$NEW/wheelhouse.txt"; } >"$NEW/versions.txt"
cleanup
rm -rf "$DIR"
mv "$NEW" "$DIR" || die "cannot move $NEW into place"
# Older keys and root file systems are dead weight (a few hundred MB each).
find "$BASE" -mindepth 1 -maxdepth 1 ! -name "$KEY" ! -name .lock ! -name "$(basename "$ROOTFS")" -exec rm -rf {} + 2>/dev/null
date +%s >"$DIR/.ok"
echo "container tests set up in $(( $(date +%s) - start )) s: $DIR" >&2
exit 0
