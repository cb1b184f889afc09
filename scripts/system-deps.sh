#!/usr/bin/env bash
# The explicit install step of `npm test`: runs every scripts/deps/*.sh in name order. Each one installs what
# one group of real-software tests needs (as root, with apt; packages from other Debian suites are fetched with a
# private apt configuration and unpacked, never by changing the machine's own apt sources), is idempotent, and
# prints loudly what it could not install. Outside CI a missing piece makes its tests skip loudly; under CI=true
# they fail. Exit status: non-zero when a script failed.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for s in scripts/deps/*.sh; do
  bash "$s" || { echo "!! $s failed" >&2; status=1; }
done
exit "$status"
