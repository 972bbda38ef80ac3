#!/usr/bin/env bash
# Builds the `opa` CLI the LAC comparison needs (bench/lac/compare.mjs compiles the generated
# Rego to Wasm with it) from the Go module proxy, at a pinned version, into .tools/go/bin.
# Nothing from OPA is committed: only this script. Needs Go >= 1.24 and the module proxy.
#
#   bash bench/lac/setup-opa.sh            # idempotent: does nothing if the pinned opa is there
set -euo pipefail

OPA_VERSION="${OPA_VERSION:-v1.22.2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GOBIN_DIR="$ROOT/.tools/go/bin"
OPA="$GOBIN_DIR/opa"

if [[ -x "$OPA" ]] && "$OPA" version 2>/dev/null | grep -q "^Version: ${OPA_VERSION#v}$"; then
  echo "opa ${OPA_VERSION} already at $OPA" >&2
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "setup-opa: Go is not installed; install Go >= 1.24 (https://go.dev/dl/) and retry" >&2
  exit 1
fi

mkdir -p "$GOBIN_DIR"
echo "building opa ${OPA_VERSION} with $(go version | cut -d' ' -f3) into $GOBIN_DIR (a few minutes the first time)" >&2
# CGO off: a static binary, no C toolchain needed. GOFLAGS cleared so a workspace setting cannot interfere.
CGO_ENABLED=0 GOFLAGS= GOBIN="$GOBIN_DIR" go install "github.com/open-policy-agent/opa@${OPA_VERSION}"
"$OPA" version | head -1 >&2
