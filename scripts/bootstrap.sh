#!/usr/bin/env bash
# Installs what the two README commands need, from the registries only:
# a pinned pnpm (into .tools/, never globally) and the workspace's dependencies,
# then builds the SDK and the CLI. Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
node_major=$(node -p 'process.versions.node.split(".").map(Number).reduce((a,v,i)=>i===0?v*1e6:i===1?a+v*1e3:a+v,0)')
if [ "$node_major" -lt 20019000 ]; then
  echo "Trust Fabric needs Node.js >= 20.19 (found $(node --version)). Install a newer Node and retry." >&2
  exit 2
fi

PNPM=.tools/node_modules/.bin/pnpm
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
if [ ! -x "$PNPM" ] || [ "$("$PNPM" --version)" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm $PNPM_VERSION into .tools/" >&2
  mkdir -p .tools
  npm install --prefix .tools --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >&2
fi

"$PNPM" install --frozen-lockfile --reporter=append-only >&2

# Python: a private venv with the test and wheel-building tools (pinned), never the system's.
if ! command -v python3 >/dev/null; then
  echo "Trust Fabric's Python bindings need python3 (>= 3.9). Install it and retry." >&2
  exit 2
fi
if [ ! -x .tools/venv/bin/python ] || ! .tools/venv/bin/python -c 'import pytest, hatchling' 2>/dev/null; then
  echo "bootstrap: creating .tools/venv (pytest, hatchling)" >&2
  python3 -m venv .tools/venv
  .tools/venv/bin/python -m pip install -q --disable-pip-version-check "pytest==9.2.0" "hatchling==1.33.0" >&2
fi
"$PNPM" run build >&2
