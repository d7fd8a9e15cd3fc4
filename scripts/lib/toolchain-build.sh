#!/usr/bin/env bash
# Builds ONE toolchain component from Go modules; run by scripts/setup-toolchain.sh as a child
# process (so `set -e` really applies). Usage:
#   toolchain-build.sh pulumi PULUMI_VERSION
#   toolchain-build.sh language-nodejs PULUMI_VERSION LANGUAGE_HOST_VERSION
#   toolchain-build.sh dynamic-shim PULUMI_VERSION
#   toolchain-build.sh kubernetes PLUGIN_VERSION GO_MODULE_VERSION
#   toolchain-build.sh plugin-install NAME PLUGIN_VERSION PULUMI_VERSION
# Prints short progress; on failure prints the failed step and the tail of the step log.
set -euo pipefail
# shellcheck source=scripts/lib/toolchain-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/toolchain-lib.sh"
tc_go_env

COMPONENT="${1:?component}"; VERSION="${2:?version}"
mkdir -p "$TC_LOGS"
LOG="$TC_LOGS/$COMPONENT-$VERSION.log"
STEP="start"
step() { STEP="$1"; printf '\n### %s (%s)\n' "$STEP" "$(date -u +%FT%TZ)" >>"$LOG"; }
run() { "$@" >>"$LOG" 2>&1; }
on_exit() {
  local rc=$?
  [ -n "${WORK:-}" ] && [ -d "$WORK" ] && [ "${AIRGAP_TOOLCHAIN_KEEP_WORK:-}" != 1 ] && rm -rf "$WORK"
  if [ "$rc" -ne 0 ]; then
    [ -z "${D:-}" ] || rmdir "$D/bin" "$D/language-nodejs" "$D" 2>/dev/null || true
    tc_err "FAILED: $COMPONENT $VERSION, step: $STEP (exit $rc; log: $LOG)"
    [ -s "$LOG" ] && tail -n 8 "$LOG" | grep -v '^\(### \|$\)' | sed 's/^/[toolchain]   | /' >&2
  fi
  exit "$rc"
}
trap on_exit EXIT
: >"$LOG"

# fetch MODULE VERSION DEST: go mod download + writable copy; fails naming the module.
fetch() {
  step "fetch $1@$2"
  tc_mod "$1" "$2" 2>>"$LOG" || return 1
  run echo "$1@$2 -> $TC_MOD_VERSION ($TC_MOD_DIR)"
  [ -z "${3:-}" ] || tc_copy_mod "$TC_MOD_DIR" "$3"
}

gobuild() { # gobuild DIR OUT LDFLAGS PKG [extra go build args...]
  local dir="$1" out="$2" ld="$3" pkg="$4"; shift 4
  step "go build $pkg"
  (cd "$dir" && run go build -trimpath "$@" -ldflags "-s -w $ld" -o "$out.tmp" "$pkg")
  mv -f "$out.tmp" "$out"
}

done_msg() { tc_log "  ok: $1 ($(( $(date +%s) - T0 ))s, $(tc_size "$1"))"; }
T0=$(date +%s)
GOV="$(go env GOVERSION)"
PULUMI_LD_VERSION="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
PULUMI_TAGS="osusergo,grpcnotrace"

# Pulumi sources (pkg + sdk side by side, as the upstream `../sdk` replace expects).
pulumi_sources() { # pulumi_sources VERSION
  WORK="$(mktemp -d "$TC_ROOT/.work-$COMPONENT-$1.XXXXXX")"
  fetch github.com/pulumi/pulumi/pkg/v3 "v$1" "$WORK/pkg"
  fetch github.com/pulumi/pulumi/sdk/v3 "v$1" "$WORK/sdk"
}

case "$COMPONENT" in
pulumi)
  D="$TC_ROOT/pulumi-$VERSION"; BIN="$D/bin/pulumi"
  FP="pulumi $VERSION $GOV recipe=$TC_RECIPE"
  if [ -f "$D/.built" ] && [ "$(cat "$D/.built")" = "$FP" ] && [ -x "$BIN" ] \
     && [ "$("$BIN" version 2>/dev/null)" = "v$VERSION" ]; then
    tc_log "  ok (cached): $BIN"; exit 0
  fi
  tc_log "  building pulumi $VERSION (Pattern B: pkg/v3 + sdk/v3 at v$VERSION; log: $LOG) ..."
  mkdir -p "$D/bin"; rm -f "$D/.built"
  pulumi_sources "$VERSION"
  step "resolve dependencies"
  (cd "$WORK/pkg" && go list -deps ./cmd/pulumi >/dev/null 2>>"$LOG")
  gobuild "$WORK/pkg" "$BIN" "-X $PULUMI_LD_VERSION=v$VERSION" ./cmd/pulumi -tags "$PULUMI_TAGS"
  step "check pulumi version"
  got="$("$BIN" version)"; [ "$got" = "v$VERSION" ] || { run echo "pulumi version printed '$got'"; exit 1; }
  echo "$FP" >"$D/.built"
  done_msg "$BIN"
  ;;

language-nodejs)
  # Installed next to the `pulumi` binary of version $VERSION (bundled-plugin lookup), built at
  # version $3 (tools/pulumi/pins.txt). Up to v3.68.0 the host is a package of sdk/v3 itself; later
  # hosts are their own untagged module, which this machine's Go module proxy refuses (README).
  LHV="${3:?language host version}"
  LOG="$TC_LOGS/language-nodejs-$LHV.log"; : >"$LOG"
  D="$TC_ROOT/pulumi-$VERSION"; BIN="$D/bin/pulumi-language-nodejs"
  FP="pulumi-language-nodejs $LHV $GOV recipe=$TC_RECIPE"
  if tc_marker_ok "$D/language-nodejs" "$FP" "$BIN"; then tc_log "  ok (cached): $BIN (v$LHV)"; exit 0; fi
  tc_log "  building pulumi-language-nodejs $LHV from sdk/v3@v$LHV (log: $LOG) ..."
  mkdir -p "$D/bin" "$D/language-nodejs"; rm -f "$D/language-nodejs/.built"
  WORK="$(mktemp -d "$TC_ROOT/.work-$COMPONENT-$LHV.XXXXXX")"
  fetch github.com/pulumi/pulumi/sdk/v3 "v$LHV" "$WORK/sdk"
  step "find nodejs/cmd/pulumi-language-nodejs in sdk/v3@v$LHV"
  if [ ! -d "$WORK/sdk/nodejs/cmd/pulumi-language-nodejs" ] || [ -f "$WORK/sdk/nodejs/cmd/pulumi-language-nodejs/go.mod" ]; then
    tc_err "  sdk/v3@v$LHV does not contain the language host as a package (only up to v3.68.0): fix tools/pulumi/pins.txt"
    exit 1
  fi
  step "resolve dependencies"
  (cd "$WORK/sdk" && go list -deps ./nodejs/cmd/pulumi-language-nodejs >/dev/null 2>>"$LOG")
  gobuild "$WORK/sdk" "$BIN" "-X $PULUMI_LD_VERSION=v$LHV" ./nodejs/cmd/pulumi-language-nodejs -tags "$PULUMI_TAGS"
  echo "$FP" >"$D/language-nodejs/.built"
  done_msg "$BIN"
  ;;

dynamic-shim)
  # pulumi.dynamic resources run through the plugin `pulumi-resource-pulumi-nodejs`, a shell script
  # shipped in @pulumi/pulumi; it must sit next to `pulumi` (no ambient plugin lookup).
  SRC="$TC_REPO/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  BIN="$(tc_pulumi_bin "$VERSION")/pulumi-resource-pulumi-nodejs"
  step "copy $SRC"
  [ -f "$SRC" ] || { tc_err "  $SRC is missing: run npm ci first"; exit 1; }
  if [ -x "$BIN" ] && cmp -s "$SRC" "$BIN"; then tc_log "  ok (up to date): $BIN"; exit 0; fi
  mkdir -p "$(dirname "$BIN")"
  install -m 0755 "$SRC" "$BIN"
  tc_log "  ok: $BIN"
  ;;

kubernetes)
  # VERSION is the plugin version (also stamped into the binary and the schema), $3 the Go version of
  # github.com/pulumi/pulumi-kubernetes/provider/v4 (a pseudo-version: the proxy maps no hash), from
  # tools/providers/pins.txt. The provider's go.mod replaces sdk/v4 with ../sdk; the binary imports
  # no sdk/v4 package, so ../sdk is the sdk/v4 release that go.mod requires (module graph only).
  REF="${3:?Go module version of provider/v4}"
  NAME=kubernetes; D="$TC_ROOT/$NAME-$VERSION"; BIN="$D/bin/pulumi-resource-$NAME"
  FP="$NAME $VERSION $REF $GOV recipe=$TC_RECIPE"
  if tc_marker_ok "$D" "$FP" "$BIN"; then tc_log "  ok (cached): $BIN"; exit 0; fi
  tc_log "  building pulumi-resource-$NAME $VERSION from provider/v4@$REF (log: $LOG) ..."
  mkdir -p "$D/bin"; rm -f "$D/.built"
  WORK="$(mktemp -d "$TC_ROOT/.work-$NAME-$VERSION.XXXXXX")"
  PMOD=github.com/pulumi/pulumi-kubernetes/provider/v4
  fetch "$PMOD" "$REF" "$WORK/provider"
  step "read the sdk/v4 version required by provider/go.mod"
  SDKV="$(cd "$WORK/provider" && go mod edit -json | "$TC_NODE" -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=(JSON.parse(s).Require||[])
    .find(r=>r.Path==="github.com/pulumi/pulumi-kubernetes/sdk/v4");if(!r)process.exit(1);
    process.stdout.write(r.Version)})')"
  fetch github.com/pulumi/pulumi-kubernetes/sdk/v4 "$SDKV" "$WORK/sdk"
  CMD="$WORK/provider/cmd/pulumi-resource-kubernetes"
  step "generate schema-embed.json + terraform-mapping-embed.json"
  (cd "$CMD" && VERSION="$VERSION" run go run ./generate.go)
  step "resolve dependencies"
  (cd "$WORK/provider" && go list -deps ./cmd/pulumi-resource-kubernetes >/dev/null 2>>"$LOG")
  gobuild "$WORK/provider" "$BIN" "-X $PMOD/pkg/version.Version=v$VERSION" ./cmd/pulumi-resource-kubernetes
  echo "$FP" >"$D/.built"
  done_msg "$BIN"
  ;;

plugin-install)
  # Installs toolchain/NAME-VERSION/bin/pulumi-resource-NAME into PULUMI_HOME with the pulumi CLI
  # (plugins/resource-NAME-vVERSION/); reinstalls when the installed binary differs from the build.
  NAME="$2"; VERSION="$3"; PV="${4:?pulumi version}"
  LOG="$TC_LOGS/plugin-$NAME-$VERSION.log"; : >"$LOG"
  PULUMI="$(tc_pulumi_bin "$PV")/pulumi"
  BIN="$TC_ROOT/$NAME-$VERSION/bin/pulumi-resource-$NAME"
  INSTALLED="$TC_PULUMI_HOME/plugins/resource-$NAME-v$VERSION/pulumi-resource-$NAME"
  export PULUMI_HOME="$TC_PULUMI_HOME" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  step "check installed plugin"
  [ -x "$PULUMI" ] || { tc_err "  pulumi $PV is not built"; exit 1; }
  [ -x "$BIN" ] || { tc_err "  $BIN is not built"; exit 1; }
  if [ -x "$INSTALLED" ] && cmp -s "$BIN" "$INSTALLED"; then
    tc_log "  ok (already installed): $INSTALLED"; exit 0
  fi
  step "pulumi plugin install resource $NAME $VERSION --file $BIN --reinstall"
  run "$PULUMI" plugin install resource "$NAME" "$VERSION" --file "$BIN" --reinstall
  step "check pulumi plugin ls"
  "$PULUMI" plugin ls --json 2>>"$LOG" | "$TC_NODE" -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const l=JSON.parse(s||"[]");
    process.exit(l.some(p=>p.kind==="resource"&&p.name===process.argv[1]&&p.version===process.argv[2])?0:1)})' \
    "$NAME" "$VERSION"
  cmp -s "$BIN" "$INSTALLED" || { tc_err "  $INSTALLED differs from $BIN after install"; exit 1; }
  tc_log "  ok: installed $INSTALLED"
  ;;

*) tc_err "unknown component $COMPONENT"; exit 2 ;;
esac
