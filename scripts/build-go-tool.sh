#!/usr/bin/env bash
# Builds one pinned Go tool (a line of tools/{servers,pulumi,providers,cluster}/pins.txt), or finds it
# cached, the same way for every tool (scripts/lib/go-tool.sh):
#   scripts/build-go-tool.sh NAME         builds (or finds) it, prints the binary's path on stdout
#   scripts/build-go-tool.sh --dir NAME   prints the tool's downloaded module folder (data files, CRDs)
#   scripts/build-go-tool.sh --test NAME [GO TEST FLAGS]   runs the Go tests of a tracked (./) tool's package
#   scripts/build-go-tool.sh --sync NAME  maintainer step after a version bump of an `in=` line: makes the
#                                         tracked tools module require the pinned version (edits its
#                                         go.mod/go.sum: review and commit them); builds never do this
# The build runs inside a writable copy of the module's folder (the downloaded module, or the tracked
# folder of a ./ MODULE or of in=), so its go.mod, go.sum and replace lines apply as written; tracked files
# are never edited. One build of a tool at a time (flock); the others wait, then find it cached. Cache:
# ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/<area>/NAME-VERSION/{bin/,build.log}. Progress and
# failures go to stderr; a failure names the tool, its version, the step and the build log.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GT_REPO="$REPO"
# shellcheck source=scripts/lib/go-tool.sh
. "$REPO/scripts/lib/go-tool.sh"

MODE=build
case "${1:-}" in --dir) MODE=dir; shift ;; --sync) MODE=sync; shift ;; --test) MODE=test; shift ;; esac
NAME="${1:?usage: build-go-tool.sh [--dir|--sync|--test] NAME}"
gt_pin "$NAME" || exit 2
# An air-gapped bastion has no Go: scripts/airgap-install.sh put the bundle's tools beside pulumi.
if ! command -v go >/dev/null; then
  bundled="${AIRGAP_PULUMI_BIN:-}/$GT_OPT_BIN"
  if [ "$MODE" = build ] && [ -n "${AIRGAP_PULUMI_BIN:-}" ] && [ -x "$bundled" ]; then printf '%s\n' "$bundled"; exit 0; fi
  gt_log "$NAME: go is not on PATH (and no bundled $GT_OPT_BIN in \$AIRGAP_PULUMI_BIN)"; exit 1
fi
gt_go_env

D="$(gt_cache_dir "$NAME")"
BIN="$D/bin/$GT_OPT_BIN"
LOG="$D/build.log"
mkdir -p "$D/bin"

# A tools module of in= must require the pinned version: checked before anything is downloaded.
if [ -n "$GT_OPT_IN" ]; then
  IN_DIR="$REPO/${GT_OPT_IN#./}"
  [ -f "$IN_DIR/go.mod" ] || { gt_log "$GT_PINS: '$NAME': $GT_OPT_IN has no go.mod"; exit 2; }
  got="$(gt_required "$IN_DIR/go.mod" "$GT_MODULE")"
  if [ "$got" != "$GT_VERSION" ] && [ "$MODE" = build ]; then
    gt_log "$NAME $GT_VERSION: $GT_OPT_IN/go.mod requires $GT_MODULE ${got:-(nothing)}, $GT_PINS pins $GT_VERSION;"
    gt_log "  run 'bash scripts/build-go-tool.sh --sync $NAME' once and commit $GT_OPT_IN/go.mod and go.sum"
    exit 2
  fi
elif [ "$MODE" = sync ]; then
  gt_log "$NAME has no in= option: it builds from its own module's go.mod, there is nothing to sync"; exit 2
fi

# The folder the build starts from (a tracked one is keyed by the hash of its sources).
SRC_HASH=""
if [[ "$GT_MODULE" == ./* ]]; then
  GT_MOD_DIR="$REPO/${GT_MODULE#./}"
  [ -f "$GT_MOD_DIR/go.mod" ] || { gt_log "$GT_PINS: '$NAME': $GT_MODULE has no go.mod"; exit 2; }
  SRC="$GT_MOD_DIR"; SRC_HASH="$(gt_src_hash "$SRC")"
else
  gt_download "$GT_MODULE" "$GT_VERSION" || { gt_log "FAILED: $NAME $GT_VERSION: cannot download $GT_MODULE"; exit 1; }
  SRC="$GT_MOD_DIR"
fi
if [ "$MODE" = dir ]; then printf '%s\n' "$GT_MOD_DIR"; exit 0; fi
if [ "$MODE" = test ]; then
  [ -n "$SRC_HASH" ] || { gt_log "$NAME: --test runs the tests of a tracked module (./...), $GT_MODULE is not one"; exit 2; }
  # In a writable copy too, so go.mod and go.sum stay as tracked.
  WORK="$(mktemp -d "$AIRGAP_CACHE/$GT_AREA/.test-$NAME.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  cp -r "$SRC" "$WORK/src"; chmod -R u+w "$WORK/src"
  shift
  cd "$WORK/src" && go test "$@" .
  exit 0
fi

if [ "$MODE" = sync ]; then
  # The upstream go.mod of k8s.io/kubernetes replaces its staging modules with ./staging/... folders
  # that exist only in its repository: require each at the matching v0.X.Y instead.
  LOG="$D/sync.log"
  gt_log "$NAME: making $GT_OPT_IN require $GT_MODULE $GT_VERSION (log: $LOG) ..."
  (
    cd "$IN_DIR"
    if [ "$GT_MODULE" = k8s.io/kubernetes ]; then
      go mod edit -require="$GT_MODULE@$GT_VERSION"
      for staging in $(go mod edit -json "$GT_MOD_GOMOD" \
                         | grep -o '"\./staging/src/k8s.io/[^"]*"' | sed 's|"\./staging/src/||; s|"$||'); do
        go mod edit -replace="$staging=$staging@v0.${GT_VERSION#v1.}"
      done
      if grep -q '^godebug' "$GT_MOD_GOMOD"; then go mod edit -godebug="$(sed -n 's/^godebug \(.*\)$/\1/p' "$GT_MOD_GOMOD" | head -1)"; fi
    else
      go get "$GT_MODULE@$GT_VERSION"
    fi
    go mod tidy
  ) >"$LOG" 2>&1 || { tail -n 20 "$LOG" | sed 's/^/[go-tool]   | /' >&2; gt_log "FAILED: --sync $NAME $GT_VERSION (log: $LOG)"; exit 1; }
  gt_log "$NAME: $GT_OPT_IN now requires $GT_MODULE $(gt_required "$IN_DIR/go.mod" "$GT_MODULE"): review and commit its go.mod and go.sum"
  exit 0
fi
if [ -n "$GT_OPT_IN" ]; then SRC="$IN_DIR"; SRC_HASH="$(gt_src_hash "$SRC")"; fi

LDFLAGS="$(gt_ldflags "$GT_MOD_DIR")"
FP="$(gt_fingerprint "$NAME" "$SRC_HASH")"

exec 9>"$D/.lock"
flock 9
if [ -f "$D/.built" ] && [ "$(cat "$D/.built")" = "$FP" ] && [ -x "$BIN" ]; then printf '%s\n' "$BIN"; exit 0; fi
if gt_legacy_marker "$NAME" "$D" "$BIN" "$LDFLAGS" "$SRC" && [ -x "$GT_LEGACY_BIN" ] \
   && [ "$(cat "$GT_LEGACY_FILE" 2>/dev/null)" = "$GT_LEGACY_FP" ]; then
  # The earlier marker stays as it is (an older checkout sharing this cache still reads it); a binary
  # cached elsewhere is copied here once.
  if [ "$GT_LEGACY_FILE" != "$D/.built" ]; then
    [ "$GT_LEGACY_BIN" = "$BIN" ] || { cp -f "$GT_LEGACY_BIN" "$BIN.tmp"; mv -f "$BIN.tmp" "$BIN"; }
    echo "$FP" >"$D/.built"
  fi
  printf '%s\n' "$BIN"; exit 0
fi

gt_log "building $NAME $GT_VERSION from $GT_MODULE${GT_OPT_IN:+ in $GT_OPT_IN} (log: $LOG) ..."
T0=$(date +%s)
rm -f "$D/.built"
: >"$LOG"
WORK="$(mktemp -d "$AIRGAP_CACHE/$GT_AREA/.work-$NAME.XXXXXX")"
STEP="start"
on_exit() {
  local rc=$?
  [ "${AIRGAP_KEEP_WORK:-}" = 1 ] || rm -rf "$WORK"
  rm -f "$BIN.tmp"
  if [ "$rc" -ne 0 ]; then
    tail -n 20 "$LOG" | grep -v '^\(### \|$\)' | sed 's/^/[go-tool]   | /' >&2
    gt_log "FAILED: $NAME $GT_VERSION, step: $STEP (exit $rc; log: $LOG)"
  fi
  exit "$rc"
}
trap on_exit EXIT
step() { STEP="$1"; printf '\n### %s (%s)\n' "$STEP" "$(date -u +%FT%TZ)" >>"$LOG"; }
copy() { rm -rf "$2"; mkdir -p "$(dirname "$2")"; cp -r "$1" "$2"; chmod -R u+w "$2"; }

step "copy $SRC"
copy "$SRC" "$WORK/src"
for beside in "${GT_OPT_BESIDE[@]+"${GT_OPT_BESIDE[@]}"}"; do
  # A sibling module that the main go.mod replaces with ../<dir>, at the version it requires.
  dir="${beside%%:*}"; mod="${beside#*:}"
  step "fetch $mod (beside=$beside)"
  ver="$(gt_required "$WORK/src/go.mod" "$mod")"
  [ -n "$ver" ] || { echo "$GT_MODULE@$GT_VERSION go.mod does not require $mod" >>"$LOG"; exit 1; }
  gt_download "$mod" "$ver" 2>>"$LOG"
  copy "$GT_MOD_DIR" "$WORK/$dir"
done
if [ -n "$GT_OPT_GENERATE" ]; then
  step "go run ./generate.go in $GT_OPT_GENERATE"
  (cd "$WORK/src/${GT_OPT_GENERATE#./}" && VERSION="${GT_VERSION#v}" go run ./generate.go) >>"$LOG" 2>&1
fi
step "resolve dependencies of $GT_PKG"
(cd "$WORK/src" && go list -deps "$GT_PKG" >/dev/null) >>"$LOG" 2>&1
step "go build $GT_PKG"
(cd "$WORK/src" && go build -trimpath ${GT_OPT_TAGS:+-tags "$GT_OPT_TAGS"} -ldflags "$LDFLAGS" -o "$BIN.tmp" "$GT_PKG") >>"$LOG" 2>&1
mv -f "$BIN.tmp" "$BIN"
echo "$FP" >"$D/.built"
STEP="done"
gt_log "built $NAME $GT_VERSION in $(( $(date +%s) - T0 ))s ($(du -m "$BIN" | cut -f1) MB)"
printf '%s\n' "$BIN"
