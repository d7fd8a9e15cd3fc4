#!/usr/bin/env bash
# Builds (or finds cached) the pinned Pulumi toolchain, no downloads but the Go module proxy:
#   1. pulumi CLI (tools/pulumi/pins.txt: the version of @pulumi/pulumi in package.json)
#   2. pulumi-language-nodejs (tools/pulumi/pins.txt), installed next to `pulumi` as pulumi-language-nodejs-host,
#      behind this repository's wrapper (language-host) installed as pulumi-language-nodejs: the wrapper passes
#      the project's runtime options (typescript, nodeargs, tsconfig) as the flags that host takes
#   3. pulumi-resource-pulumi-nodejs (dynamic providers) copied from node_modules/@pulumi/pulumi, next to `pulumi`
#   4. pulumi-resource-kubernetes (tools/providers/pins.txt)
#   5. `pulumi plugin install resource kubernetes VERSION --file BIN` into PULUMI_HOME
# Every Go build goes through scripts/build-go-tool.sh (cache by version, one build at a time). Why these
# versions: tools/pulumi/README.md. The cache is shared by every clone on this machine:
#   ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/toolchain/pulumi-<v>/bin/   (what scripts/pulumi-env.sh puts on PATH)
#   ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/pulumi-home                 (PULUMI_HOME, plugins)
# Then: `source scripts/pulumi-env.sh`.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GT_REPO="$REPO"
# shellcheck source=scripts/lib/go-tool.sh
. "$REPO/scripts/lib/go-tool.sh"
T_START=$(date +%s)
PULUMI_HOME_DIR="$AIRGAP_CACHE/pulumi-home"
log() { printf '[toolchain] %s\n' "$*"; }
err() { printf '[toolchain] %s\n' "$*" >&2; }

command -v go >/dev/null || { err "go is not on PATH"; exit 1; }
[ -n "$GT_NODE" ] || { err "node is not on PATH (run npm ci first)"; exit 1; }
gt_pin pulumi; PULUMI_V="${GT_VERSION#v}"
gt_pin kubernetes; K8S_PLUGIN_V="${GT_VERSION#v}"
log "pulumi $PULUMI_V, kubernetes plugin $K8S_PLUGIN_V, $(go env GOVERSION); cache: $AIRGAP_CACHE"

FAILED=()
# tool VAR NAME: VAR = the cached binary of a pins line (built when missing); '' and recorded on failure.
tool() {
  local bin
  if bin="$(bash "$REPO/scripts/build-go-tool.sh" "$2")"; then log "  ok: $bin"; else bin=""; FAILED+=("$2"); fi
  printf -v "$1" '%s' "$bin"
}
# place SRC DEST: SRC copied to DEST unless identical (atomic, so concurrent runs never see half a file).
place() {
  if [ -x "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  install -m 0755 "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
}

log "[1/5] pulumi $PULUMI_V"
tool PULUMI pulumi
PULUMI_BIN_DIR="$(dirname "${PULUMI:-$AIRGAP_CACHE/toolchain/pulumi-$PULUMI_V/bin/pulumi}")"
if [ -n "$PULUMI" ]; then
  got="$("$PULUMI" version 2>/dev/null || true)"
  [ "$got" = "v$PULUMI_V" ] || { err "  $PULUMI version printed '$got', not v$PULUMI_V"; FAILED+=(pulumi); PULUMI=""; }
fi

log "[2/5] pulumi-language-nodejs, next to pulumi: the host, and the wrapper that gives it the project's runtime options"
tool HOST pulumi-language-nodejs
tool HOST_WRAPPER language-host
if [ -n "$HOST" ] && [ -n "$HOST_WRAPPER" ]; then
  place "$HOST" "$PULUMI_BIN_DIR/pulumi-language-nodejs-host"
  place "$HOST_WRAPPER" "$PULUMI_BIN_DIR/pulumi-language-nodejs"
fi

log "[3/5] pulumi-resource-pulumi-nodejs, next to pulumi"
SHIM="$REPO/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [ -f "$SHIM" ]; then place "$SHIM" "$PULUMI_BIN_DIR/pulumi-resource-pulumi-nodejs"; else err "  $SHIM is missing: run npm ci first"; FAILED+=(pulumi-resource-pulumi-nodejs); fi

log "[4/5] provider kubernetes $K8S_PLUGIN_V"
tool PROVIDER kubernetes

log "[5/5] plugin install resource kubernetes $K8S_PLUGIN_V"
INSTALLED="$PULUMI_HOME_DIR/plugins/resource-kubernetes-v$K8S_PLUGIN_V/pulumi-resource-kubernetes"
if [ -z "$PULUMI" ] || [ -z "$PROVIDER" ]; then
  err "  skipped: pulumi or the provider was not built"; FAILED+=("plugin install")
elif [ -x "$INSTALLED" ] && cmp -s "$PROVIDER" "$INSTALLED"; then
  log "  ok (already installed): $INSTALLED"
else
  mkdir -p "$PULUMI_HOME_DIR"
  LOG="$(dirname "$PROVIDER")/../plugin-install.log"
  if PULUMI_HOME="$PULUMI_HOME_DIR" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
       flock "$PULUMI_HOME_DIR/.install.lock" "$PULUMI" plugin install resource kubernetes "$K8S_PLUGIN_V" --file "$PROVIDER" --reinstall >"$LOG" 2>&1 \
     && cmp -s "$PROVIDER" "$INSTALLED"; then
    log "  ok: installed $INSTALLED"
  else
    tail -n 8 "$LOG" | sed 's/^/[toolchain]   | /' >&2
    err "  FAILED: plugin install resource kubernetes $K8S_PLUGIN_V (log: $LOG)"; FAILED+=("plugin install")
  fi
fi

if [ "${#FAILED[@]}" -gt 0 ]; then
  err "FAILED: ${FAILED[*]} (each names its build log above)"
  exit 1
fi
log "done in $(( $(date +%s) - T_START ))s: source scripts/pulumi-env.sh (bin: $PULUMI_BIN_DIR, PULUMI_HOME: $PULUMI_HOME_DIR)"
