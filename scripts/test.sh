#!/usr/bin/env bash
# Runs every package's test suite from a fresh clone: installs pnpm (through corepack),
# Debian's Chromium for the browser tests and the dependencies, builds, runs jest in each
# package with --json, and ends with one line "N passed, N failed" summed across packages.
set -uo pipefail
cd "$(dirname "$0")/.."

# corepack's signature check fails against the registry reachable on our machines.
export COREPACK_INTEGRITY_KEYS=0
tools_bin="$PWD/.tools/bin"
mkdir -p "$tools_bin"
corepack enable --install-directory "$tools_bin" pnpm
export PATH="$tools_bin:$PATH"

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests…" >&2
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >&2 ||
    echo "Could not install chromium; the browser tests will fail." >&2
fi

pnpm install --frozen-lockfile >&2 || { echo "pnpm install failed" >&2; echo "0 passed, 1 failed"; exit 1; }

# Strict types, lint and formatting are part of the suite: a failure counts as one failed check each.
static_failures=0
pnpm exec turbo run typecheck --continue >&2 || { echo "typecheck failed" >&2; static_failures=$((static_failures + 1)); }
pnpm exec turbo run lint --continue >&2 || { echo "lint failed" >&2; static_failures=$((static_failures + 1)); }
pnpm --silent format:check >&2 || { echo "format check failed: run pnpm format" >&2; static_failures=$((static_failures + 1)); }

rm -f packages/*/jest-results.json
# One package at a time: the suites start real servers and browsers on a 2-core machine.
pnpm exec turbo run test --concurrency=1 --continue -- --json --outputFile=jest-results.json >&2
node scripts/summarize-jest.mjs --extra-failures "$static_failures" packages/*/
