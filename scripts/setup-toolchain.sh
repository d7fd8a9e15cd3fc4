#!/usr/bin/env bash
# Builds the pinned Pulumi toolchain from Go modules (no downloads but the Go module proxy):
#   - pulumi CLI + pulumi-language-nodejs at the version of @pulumi/pulumi in package.json
#   - pulumi-resource-{kubernetes,command,random} at the versions of their npm packages,
#     installed with `pulumi plugin install resource NAME VERSION --file BIN`.
# Only missing or changed versions are built. Cache (shared by every clone on this machine):
#   ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/toolchain/<name>-<version>/bin/
#   ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/pulumi-home   (PULUMI_HOME, plugins)
# Then: `source scripts/pulumi-env.sh`.
#
# Env: AIRGAP_CACHE (cache root); AIRGAP_TOOLCHAIN_KEEP_WORK=1 keeps the build dirs;
#      AIRGAP_TOOLCHAIN_{PULUMI,KUBERNETES,COMMAND,RANDOM}_VERSION override a package.json pin and
#      AIRGAP_TOOLCHAIN_LANGUAGE_NODEJS_VERSION the language host's (default: the CLI's) -- a
#      deliberate deviation: a warning is printed; pulumi-env.sh honours the PULUMI one too.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TC_REPO="$REPO"
# shellcheck source=scripts/lib/toolchain-lib.sh
. "$REPO/scripts/lib/toolchain-lib.sh"
BUILD="$REPO/scripts/lib/toolchain-build.sh"

STEP="check prerequisites"
on_exit() { local rc=$?; [ "$rc" -eq 0 ] || tc_err "FAILED at step: $STEP (exit $rc)"; }
trap on_exit EXIT
command -v go >/dev/null || { tc_err "go is not on PATH"; exit 1; }
[ -n "$TC_NODE" ] || { tc_err "node is not on PATH (run npm ci first)"; exit 1; }

STEP="read versions from package.json"
tc_versions
for v in PULUMI LANGUAGE_NODEJS KUBERNETES COMMAND RANDOM; do
  o="AIRGAP_TOOLCHAIN_${v}_VERSION"
  [ -z "${!o:-}" ] || tc_log "WARNING: $o=${!o} overrides package.json"
done
tc_log "versions: pulumi $TC_V_PULUMI, language-nodejs $TC_V_LANGUAGE_NODEJS, kubernetes $TC_V_KUBERNETES, command $TC_V_COMMAND, random $TC_V_RANDOM ($(go env GOVERSION))"
tc_log "cache: $TC_ROOT"
mkdir -p "$TC_ROOT" "$TC_PULUMI_HOME"

FAILED=()
# component LABEL ARGS...: one child process per component so a failure does not hide the others.
component() {
  local label="$1"; shift
  STEP="$label"
  tc_log "$label ..."
  if ! bash "$BUILD" "$@"; then FAILED+=("$label"); fi
}

component "pulumi $TC_V_PULUMI" pulumi "$TC_V_PULUMI"
component "pulumi-language-nodejs $TC_V_LANGUAGE_NODEJS" language-nodejs "$TC_V_PULUMI" "$TC_V_LANGUAGE_NODEJS"
component "provider kubernetes $TC_V_KUBERNETES" kubernetes "$TC_V_KUBERNETES"
component "provider command $TC_V_COMMAND" command "$TC_V_COMMAND"
component "provider random $TC_V_RANDOM" random "$TC_V_RANDOM"

PULUMI_BIN="$(tc_pulumi_bin "$TC_V_PULUMI")/pulumi"
for p in "kubernetes $TC_V_KUBERNETES" "command $TC_V_COMMAND" "random $TC_V_RANDOM"; do
  read -r -a nv <<<"$p"; set -- "${nv[@]}"
  if [ -x "$PULUMI_BIN" ] && [ -x "$TC_ROOT/$1-$2/bin/pulumi-resource-$1" ]; then
    component "plugin install resource $1 $2" plugin-install "$1" "$2" "$TC_V_PULUMI"
  else
    STEP="plugin install resource $1 $2"
    tc_err "plugin install resource $1 $2: skipped (pulumi or the provider binary was not built)"
    FAILED+=("plugin install resource $1 $2")
  fi
done

if [ "${#FAILED[@]}" -gt 0 ]; then
  STEP="$(printf '%s; ' "${FAILED[@]}")"; STEP="${STEP%; }"
  exit 1
fi
STEP="done"
tc_log "done: source scripts/pulumi-env.sh (bin: $(tc_pulumi_bin "$TC_V_PULUMI"), PULUMI_HOME: $TC_PULUMI_HOME)"
