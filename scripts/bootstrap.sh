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
# NetworkX (with NumPy/SciPy for PageRank) computes the PCQ golden values independently.
PY_PINS=("pytest==9.2.0" "hatchling==1.33.0" "networkx==3.6.1" "numpy==2.4.6" "scipy==1.17.1")
if [ ! -x .tools/venv/bin/python ] || ! .tools/venv/bin/python -c 'import pytest, hatchling, networkx, numpy, scipy' 2>/dev/null; then
  echo "bootstrap: preparing .tools/venv (${PY_PINS[*]})" >&2
  [ -x .tools/venv/bin/python ] || python3 -m venv .tools/venv
  .tools/venv/bin/python -m pip install -q --disable-pip-version-check "${PY_PINS[@]}" >&2
fi

# HTML reports are checked in a real headless browser: Debian's chromium, driven by playwright-core.
if [ ! -x "${TF_CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing Debian's chromium for the HTML report tests" >&2
    apt-get install -y -q --no-install-recommends chromium >&2 \
      || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends chromium >&2; }
  else
    echo "bootstrap: chromium not found; install Debian's chromium (or set TF_CHROMIUM) for the HTML report tests" >&2
  fi
fi
"$PNPM" run build >&2
