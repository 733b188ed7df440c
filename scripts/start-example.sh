#!/usr/bin/env bash
# Starts the reference app (examples/reference-app) on a fresh machine with Node 20.19+: installs pnpm
# at the version of `packageManager` and the locked dependencies if they are missing, then starts the
# app with the built-in ComfyUI simulator. Set COMFYUI_URL=http://host:8188 to use a real ComfyUI,
# PORT to change the port (default 3000).
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  echo "start-example.sh: installing pnpm@$want"
  npm install -g "pnpm@$want" --no-fund --no-audit >/dev/null
fi
pnpm install --frozen-lockfile
exec pnpm --filter reference-app start
