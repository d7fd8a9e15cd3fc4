#!/usr/bin/env bash
# Builds the pinned Pulumi toolchain from Go modules (no downloads but the Go module proxy):
#   1. pulumi CLI at the version of @pulumi/pulumi in package.json (stamped with it)
#   2. pulumi-language-nodejs at the version in tools/pulumi/pins.txt, next to `pulumi`
#   3. pulumi-resource-pulumi-nodejs (dynamic providers) copied from node_modules/@pulumi/pulumi
#   4. pulumi-resource-kubernetes at the plugin version / Go module version in tools/providers/pins.txt
#   5. `pulumi plugin install resource kubernetes VERSION --file BIN` into PULUMI_HOME
# Why these versions: tools/pulumi/README.md. Only missing or changed components are built; the cache
# is shared by every clone on this machine (a fresh clone rebuilds nothing):
#   ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/toolchain/pulumi-<v>/bin/
#   ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/toolchain/kubernetes-<plugin version>/bin/
#   ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/pulumi-home   (PULUMI_HOME, plugins)
# Then: `source scripts/pulumi-env.sh`.
#
# Env: AIRGAP_CACHE (cache root); AIRGAP_TOOLCHAIN_KEEP_WORK=1 keeps the build dirs (debugging).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TC_REPO="$REPO"
# shellcheck source=scripts/lib/toolchain-lib.sh
. "$REPO/scripts/lib/toolchain-lib.sh"
BUILD="$REPO/scripts/lib/toolchain-build.sh"
T_START=$(date +%s)

STEP="check prerequisites"
on_exit() { local rc=$?; [ "$rc" -eq 0 ] || tc_err "FAILED at step: $STEP (exit $rc)"; }
trap on_exit EXIT
command -v go >/dev/null || { tc_err "go is not on PATH"; exit 1; }
[ -n "$TC_NODE" ] || { tc_err "node is not on PATH (run npm ci first)"; exit 1; }

STEP="read versions (package.json, tools/pulumi/pins.txt, tools/providers/pins.txt)"
tc_versions
tc_log "pulumi $TC_V_PULUMI, pulumi-language-nodejs $TC_V_LANGUAGE_NODEJS, kubernetes plugin $TC_V_KUBERNETES (provider/v4@$TC_REF_KUBERNETES), $(go env GOVERSION)"
tc_log "cache: $TC_ROOT"
mkdir -p "$TC_ROOT" "$TC_PULUMI_HOME"

FAILED=()
N=0
# component LABEL ARGS...: one child process per component so a failure does not hide the others.
component() {
  local label="$1"; shift
  N=$((N + 1)); STEP="$label"
  tc_log "[$N/5] $label ..."
  if ! bash "$BUILD" "$@"; then FAILED+=("$label"); fi
}

component "pulumi $TC_V_PULUMI" pulumi "$TC_V_PULUMI"
component "pulumi-language-nodejs $TC_V_LANGUAGE_NODEJS" language-nodejs "$TC_V_PULUMI" "$TC_V_LANGUAGE_NODEJS"
component "pulumi-resource-pulumi-nodejs" dynamic-shim "$TC_V_PULUMI"
component "provider kubernetes $TC_V_KUBERNETES" kubernetes "$TC_V_KUBERNETES" "$TC_REF_KUBERNETES"
case " ${FAILED[*]:-} " in
*" pulumi $TC_V_PULUMI "*|*" provider kubernetes "*)
  N=$((N + 1)); STEP="plugin install resource kubernetes $TC_V_KUBERNETES"
  tc_err "[$N/5] $STEP: skipped (pulumi or the provider was not built)"; FAILED+=("$STEP") ;;
*) component "plugin install resource kubernetes $TC_V_KUBERNETES" plugin-install kubernetes "$TC_V_KUBERNETES" "$TC_V_PULUMI" ;;
esac

if [ "${#FAILED[@]}" -gt 0 ]; then
  STEP="$(printf '%s; ' "${FAILED[@]}")"; STEP="${STEP%; }"
  exit 1
fi
STEP="done"
tc_log "done in $(( $(date +%s) - T_START ))s: source scripts/pulumi-env.sh (bin: $(tc_pulumi_bin "$TC_V_PULUMI"), PULUMI_HOME: $TC_PULUMI_HOME)"
