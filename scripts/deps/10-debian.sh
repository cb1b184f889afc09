#!/usr/bin/env bash
# Installs the Debian packages the real-software tests use, when they are missing and we are root.
# Without root it says loudly what is missing; the tests that need it then skip with a message.
# Also unpacks Django 4.2 from bookworm-backports into $DJANGO42_DIR (used via PYTHONPATH) so the
# Django tests run against Debian's 3.2 and 4.2 in one go. Idempotent and quiet when all is in place.
set -uo pipefail
PKGS=(python3-django gunicorn python3-whitenoise python3-dj-database-url python3-psycopg2 postgresql shellcheck docker-compose)
DJANGO42_DIR=${DJANGO42_DIR:-/opt/deployspec-test/django42}
is_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! is_root; then
    echo "!! WARNING: missing Debian packages: ${missing[*]}" >&2
    echo "!! The real-software tests that need them will be SKIPPED. Install them with apt-get as root." >&2
  else
    echo "installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
      echo "!! apt-get could not install: ${missing[*]}" >&2
      exit 1
    fi
  fi
fi

# Django 4.2 beside the system's 3.2: the .deb unpacked, never installed (it would replace 3.2).
if [ ! -f "$DJANGO42_DIR/.ok" ]; then
  if ! is_root; then
    echo "!! WARNING: no Django 4.2 in $DJANGO42_DIR; the Django 4.2 end-to-end run will be SKIPPED (run this script as root)." >&2
    exit 0
  fi
  BP=/etc/apt/sources.list.d/deployspec-bookworm-backports.sources
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$BP"
    apt-get update -qq >/dev/null
  fi
  tmp=$(mktemp -d)
  if (cd "$tmp" && apt-get download -qq -t bookworm-backports python3-django >/dev/null 2>&1); then
    rm -rf "$DJANGO42_DIR.new" && mkdir -p "$DJANGO42_DIR.new"
    dpkg-deb -x "$tmp"/python3-django_*.deb "$DJANGO42_DIR.new/root"
    ln -s root/usr/lib/python3/dist-packages "$DJANGO42_DIR.new/site"
    # Debian links the admin's jQuery to libjs-jquery (installed with the system Django) by relative paths.
    [ -e "$DJANGO42_DIR.new/root/usr/share/javascript" ] || ln -s /usr/share/javascript "$DJANGO42_DIR.new/root/usr/share/javascript"
    v=$(PYTHONPATH="$DJANGO42_DIR.new/site" /usr/bin/python3 -c 'import django; print(django.get_version())' 2>/dev/null)
    if find "$DJANGO42_DIR.new/root" -xtype l | grep -q .; then v="$v with dangling links"; v="broken: $v"; fi
    case "$v" in
      4.2.*) rm -rf "$DJANGO42_DIR" && mv "$DJANGO42_DIR.new" "$DJANGO42_DIR" && echo "$v" >"$DJANGO42_DIR/.ok" ;;
      *) echo "!! WARNING: bookworm-backports python3-django is '$v', not 4.2.x; the Django 4.2 run will be SKIPPED." >&2 ;;
    esac
  else
    echo "!! WARNING: could not download python3-django from bookworm-backports; the Django 4.2 run will be SKIPPED." >&2
  fi
  rm -rf "$tmp"
fi
exit 0
