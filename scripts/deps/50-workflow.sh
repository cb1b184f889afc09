#!/usr/bin/env bash
# pre-commit, from the machine's own Debian, for test/cli-install.test.ts: it runs the real `pre-commit` against a
# local clone of this repository used as a hook repository (language: node, which installs the hook with npm and
# so runs the package's `prepare` script). Only the machine's configured apt sources are used. Without root it
# says loudly what is missing and the test skips loudly (under CI=true it fails). Idempotent and quiet when
# pre-commit is already there.
set -uo pipefail
command -v pre-commit >/dev/null && exit 0
if ! { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }; then
  echo "!! WARNING: pre-commit is missing; the pre-commit hook test will be SKIPPED. Install it with: apt-get install pre-commit" >&2
  exit 0
fi
echo "installing Debian package: pre-commit" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq >"$log" 2>&1 && apt-get install -y -qq --no-install-recommends pre-commit >>"$log" 2>&1; }; then
  cat "$log" >&2
  echo "!! apt-get could not install pre-commit" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
exit 0
