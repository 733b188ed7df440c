#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a machine with Node 20.19+ (the README's test command).
# Installs what a fresh machine lacks — pnpm at the exact version of `packageManager`, the lockfile's
# dependencies, and the services the tests use — then runs `pnpm test`, whose named steps
# (lint → typecheck → unit → integration → build → package checks) say which layer failed.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  # npm rather than corepack: corepack verifies registry signatures, which not every registry serves.
  echo "test.sh: installing pnpm@$want"
  npm install -g "pnpm@$want" --no-fund --no-audit >/dev/null
fi

pnpm install --frozen-lockfile
# The integration suites use a real Redis server; the browser suites drive Debian's Chromium.
COMFY_PROGRESS_NEEDS_REDIS=1 COMFY_PROGRESS_NEEDS_CHROMIUM=1 bash scripts/ensure-services.sh
pnpm test
