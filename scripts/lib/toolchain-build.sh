#!/usr/bin/env bash
# Builds ONE toolchain component from Go modules; run by scripts/setup-toolchain.sh as a child
# process (so `set -e` really applies). Usage:
#   toolchain-build.sh pulumi|kubernetes|command|random VERSION
#   toolchain-build.sh language-nodejs PULUMI_VERSION [LANGUAGE_HOST_VERSION]
#   toolchain-build.sh plugin-install NAME VERSION PULUMI_VERSION
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

# release_commit ROOT_MODULE TAG PINFILE KEY: commit of an upstream release tag.
# 1) explicit pin in PINFILE, 2) Origin.Hash of the repo's root module at the tag.
release_commit() {
  local pin; pin="$(tc_pin "$3" "$4" "$VERSION")"
  if [ -n "$pin" ]; then COMMIT="$pin"; return 0; fi
  fetch "$1" "$2"
  COMMIT="$TC_MOD_HASH"
  [ -n "$COMMIT" ] || { tc_err "  the proxy gives no Origin.Hash for $1@$2: pin it in ${3#"$TC_REPO"/}"; return 1; }
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
  # Installed next to the `pulumi` binary of version $VERSION (bundled-plugin lookup). Built at the
  # same version unless $3 names another one (AIRGAP_TOOLCHAIN_LANGUAGE_NODEJS_VERSION).
  LHV="${3:-$VERSION}"
  D="$TC_ROOT/pulumi-$VERSION"; BIN="$D/bin/pulumi-language-nodejs"
  LH_MOD=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
  PIN="$(tc_pin "$TC_REPO/tools/pulumi/pins.txt" pulumi-language-nodejs "$LHV")"
  FP="pulumi-language-nodejs $LHV ${PIN:-origin} $GOV recipe=$TC_RECIPE"
  if tc_marker_ok "$D/language-nodejs" "$FP" "$BIN"; then tc_log "  ok (cached): $BIN (v$LHV)"; exit 0; fi
  tc_log "  building pulumi-language-nodejs $LHV (log: $LOG) ..."
  mkdir -p "$D/bin" "$D/language-nodejs"; rm -f "$D/language-nodejs/.built"
  WORK="$(mktemp -d "$TC_ROOT/.work-$COMPONENT-$LHV.XXXXXX")"
  fetch github.com/pulumi/pulumi/sdk/v3 "v$LHV" "$WORK/sdk"
  if [ -d "$WORK/sdk/nodejs/cmd/pulumi-language-nodejs" ] && [ ! -f "$WORK/sdk/nodejs/cmd/pulumi-language-nodejs/go.mod" ]; then
    # Up to v3.68.0 the language host is a package of the sdk/v3 module itself.
    LH_DIR="$WORK/sdk"; LH_PKG=./nodejs/cmd/pulumi-language-nodejs
  else
    # Since then it is its own module (replaces: ../../../../pkg, ../../..), with no tags:
    # take the commit of tag pkg/v$LHV (pins.txt first, else the proxy's Origin.Hash).
    fetch github.com/pulumi/pulumi/pkg/v3 "v$LHV" "$WORK/pkg"
    REF="${PIN:-$TC_MOD_HASH}"
    [ -n "$REF" ] || { STEP="resolve commit of pkg/v$LHV"; tc_err "  no Origin.Hash for pkg/v3@v$LHV: add 'pulumi-language-nodejs $LHV <pseudo-version>' to tools/pulumi/pins.txt"; exit 1; }
    fetch "$LH_MOD" "$REF" "$WORK/sdk/nodejs/cmd/pulumi-language-nodejs"
    LH_DIR="$WORK/sdk/nodejs/cmd/pulumi-language-nodejs"; LH_PKG=.
  fi
  step "resolve dependencies"
  (cd "$LH_DIR" && go list -deps "$LH_PKG" >/dev/null 2>>"$LOG")
  gobuild "$LH_DIR" "$BIN" "-X $PULUMI_LD_VERSION=v$LHV" "$LH_PKG" -tags "$PULUMI_TAGS"
  # The dynamic-provider plugin (pulumi.dynamic) is a shell script shipped in @pulumi/pulumi.
  NPM_DYN="$TC_REPO/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ -f "$NPM_DYN" ]; then install -m 0755 "$NPM_DYN" "$D/bin/pulumi-resource-pulumi-nodejs"; fi
  echo "$FP" >"$D/language-nodejs/.built"
  done_msg "$BIN"
  ;;

kubernetes|command|random)
  NAME="$COMPONENT"; D="$TC_ROOT/$NAME-$VERSION"; BIN="$D/bin/pulumi-resource-$NAME"
  PINS="$TC_REPO/tools/providers/pins.txt"
  PIN="$(tc_pin "$PINS" "$NAME" "$VERSION")"
  FP="$NAME $VERSION ${PIN:-origin} $GOV recipe=$TC_RECIPE"
  if tc_marker_ok "$D" "$FP" "$BIN"; then tc_log "  ok (cached): $BIN"; exit 0; fi
  tc_log "  building pulumi-resource-$NAME $VERSION (log: $LOG) ..."
  mkdir -p "$D/bin"; rm -f "$D/.built"
  WORK="$(mktemp -d "$TC_ROOT/.work-$NAME-$VERSION.XXXXXX")"
  MAJOR="${VERSION%%.*}"
  case "$NAME" in
  kubernetes)
    release_commit github.com/pulumi/pulumi-kubernetes "v$VERSION+incompatible" "$PINS" kubernetes
    fetch "github.com/pulumi/pulumi-kubernetes/provider/v$MAJOR" "$COMMIT" "$WORK/provider"
    # provider/go.mod: replace sdk/v4 => ../sdk; the provider imports it.
    fetch "github.com/pulumi/pulumi-kubernetes/sdk/v$MAJOR" "v$VERSION" "$WORK/sdk"
    CMD="$WORK/provider/cmd/pulumi-resource-kubernetes"
    step "generate schema-embed.json + terraform-mapping-embed.json"
    (cd "$CMD" && VERSION="$VERSION" run go run ./generate.go)
    step "resolve dependencies"
    (cd "$WORK/provider" && go list -deps ./cmd/pulumi-resource-kubernetes >/dev/null 2>>"$LOG")
    gobuild "$WORK/provider" "$BIN" \
      "-X github.com/pulumi/pulumi-kubernetes/provider/v$MAJOR/pkg/version.Version=v$VERSION" \
      ./cmd/pulumi-resource-kubernetes
    ;;
  command)
    ROOT_TAG="v$VERSION"; [ "$MAJOR" -ge 2 ] && ROOT_TAG="v$VERSION+incompatible"
    release_commit github.com/pulumi/pulumi-command "$ROOT_TAG" "$PINS" command
    PMOD=github.com/pulumi/pulumi-command/provider; [ "$MAJOR" -ge 2 ] && PMOD="$PMOD/v$MAJOR"
    fetch "$PMOD" "$COMMIT" "$WORK/provider"
    step "resolve dependencies"
    (cd "$WORK/provider" && go list -deps ./cmd/pulumi-resource-command >/dev/null 2>>"$LOG")
    # Unstamped, the provider reports 0.7.1; main strips a leading v, upstream passes none.
    gobuild "$WORK/provider" "$BIN" "-X $PMOD/pkg/version.Version=$VERSION" ./cmd/pulumi-resource-command
    ;;
  random)
    release_commit github.com/pulumi/pulumi-random "v$VERSION+incompatible" "$PINS" random
    PMOD="github.com/pulumi/pulumi-random/provider/v$MAJOR"
    fetch "$PMOD" "$COMMIT" "$WORK/provider"
    P="$WORK/provider"
    if [ ! -f "$P/shim/go.mod" ]; then
      # provider/go.mod replaces the shim with ./shim, a nested module that the zip leaves out.
      step "recreate ./shim module"
      SHIM_MOD=github.com/terraform-providers/terraform-provider-random/shim
      reqv() { (cd "$P" && go mod edit -json) | "$TC_NODE" -e '
        let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);
        const r=(m.Require||[]).find(r=>r.Path===process.argv[1]);if(!r)process.exit(1);
        process.stdout.write(r.Version)})' "$1"; }
      FW="$(reqv github.com/hashicorp/terraform-plugin-framework)"
      TFR="$(reqv github.com/terraform-providers/terraform-provider-random)"
      GOLINE="$(cd "$P" && go mod edit -json | tc_json Go)"
      mkdir -p "$P/shim"
      printf 'module %s\n\ngo %s\n\nrequire (\n\tgithub.com/hashicorp/terraform-plugin-framework %s\n\tgithub.com/terraform-providers/terraform-provider-random %s\n)\n' \
        "$SHIM_MOD" "$GOLINE" "$FW" "$TFR" >"$P/shim/go.mod"
      cp "$TC_REPO/tools/providers/random-shim.go.txt" "$P/shim/shim.go"
      (cd "$P/shim" && run go mod tidy)
    fi
    step "build pulumi-tfgen-random"
    (cd "$P" && run go build -o "$WORK/pulumi-tfgen-random" \
      -ldflags "-X $PMOD/pkg/version.Version=$VERSION" ./cmd/pulumi-tfgen-random)
    step "generate schema (tfgen schema + go generate)"
    (cd "$WORK" && PULUMI_HOME="$WORK/.pulumi" PULUMI_CONVERT=0 PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
      PULUMI_MISSING_DOCS_ERROR=false run "$WORK/pulumi-tfgen-random" schema --out "$P/cmd/pulumi-resource-random")
    (cd "$P" && VERSION="$VERSION" run go generate ./cmd/pulumi-resource-random)
    step "resolve dependencies"
    (cd "$P" && go list -deps ./cmd/pulumi-resource-random >/dev/null 2>>"$LOG")
    gobuild "$P" "$BIN" "-X $PMOD/pkg/version.Version=$VERSION" ./cmd/pulumi-resource-random
    ;;
  esac
  echo "$FP" >"$D/.built"
  done_msg "$BIN"
  ;;

plugin-install)
  NAME="$2"; VERSION="$3"; PV="${4:?pulumi version}"
  LOG="$TC_LOGS/plugin-$NAME-$VERSION.log"; : >"$LOG"
  PULUMI="$(tc_pulumi_bin "$PV")/pulumi"
  BIN="$TC_ROOT/$NAME-$VERSION/bin/pulumi-resource-$NAME"
  export PULUMI_HOME="$TC_PULUMI_HOME" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  step "check installed plugins"
  [ -x "$PULUMI" ] || { tc_err "  pulumi $PV is not built"; exit 1; }
  [ -x "$BIN" ] || { tc_err "  $BIN is not built"; exit 1; }
  if "$PULUMI" plugin ls --json 2>>"$LOG" | "$TC_NODE" -e '
      let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const l=JSON.parse(s||"[]");
      process.exit(l.some(p=>p.kind==="resource"&&p.name===process.argv[1]&&p.version===process.argv[2])?0:1)})' \
      "$NAME" "$VERSION"; then
    tc_log "  ok (already installed in $PULUMI_HOME)"; exit 0
  fi
  step "pulumi plugin install resource $NAME $VERSION --file $BIN"
  run "$PULUMI" plugin install resource "$NAME" "$VERSION" --file "$BIN"
  tc_log "  ok: installed into $PULUMI_HOME/plugins"
  ;;

*) tc_err "unknown component $COMPONENT"; exit 2 ;;
esac
