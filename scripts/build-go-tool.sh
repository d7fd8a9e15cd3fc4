#!/usr/bin/env bash
# Builds one pinned tool of tools/servers/pins.txt from the Go module proxy, or finds it cached.
#   scripts/build-go-tool.sh NAME        builds (or finds) it, prints the binary's path on stdout
#   scripts/build-go-tool.sh --dir NAME  prints the tool's downloaded module folder (data files, CRDs)
# A MODULE starting with ./ is a module folder of this repository (e.g. ./tools/ocisupply): it is built
# from its own go.mod/go.sum and cached by VERSION plus a hash of its go.mod, go.sum and Go sources.
# The build runs inside a writable copy of the module's own folder, so its go.mod, go.sum and replace
# lines apply as upstream wrote them; tracked files of this repository are never edited. Progress and
# failures go to stderr; the full log is in the tool's cache folder.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TC_REPO="$REPO"
# shellcheck source=scripts/lib/toolchain-lib.sh
. "$REPO/scripts/lib/toolchain-lib.sh"
PINS="$REPO/tools/servers/pins.txt"
# Bump when the recipe changes in a way that must invalidate cached binaries.
RECIPE=1

want_dir=0
if [ "${1:-}" = --dir ]; then want_dir=1; shift; fi
NAME="${1:?usage: build-go-tool.sh [--dir] NAME}"
log() { printf '[go-tool] %s\n' "$*" >&2; }

line="$(awk -v k="$NAME" '$1 !~ /^#/ && $1 == k' "$PINS")"
[ -n "$line" ] || { log "no line '$NAME' in tools/servers/pins.txt"; exit 2; }
read -r _ MODULE VERSION PKG OPTS <<<"$line"
[ -n "${PKG:-}" ] || { log "tools/servers/pins.txt: '$NAME' needs NAME MODULE VERSION PACKAGE"; exit 2; }

tc_go_env
CGO=0; TAGS=""; LDFLAGS="-s -w"; LDX_FILE_VARS=""
for opt in ${OPTS:-}; do
  case "$opt" in
    cgo) CGO=1 ;;
    tags=*) TAGS="${opt#tags=}" ;;
    ldx=*) LDFLAGS+=" -X ${opt#ldx=}=$VERSION" ;;
    ldxv=*) LDFLAGS+=" -X ${opt#ldxv=}=${VERSION#v}" ;;
    ldxfile=*) LDX_FILE_VARS+=" ${opt#ldxfile=}" ;;
    *) log "tools/servers/pins.txt: unknown option '$opt' for '$NAME'"; exit 2 ;;
  esac
done
export CGO_ENABLED="$CGO"

D="$AIRGAP_CACHE/tools/$NAME-$VERSION"
BIN="$D/bin/$NAME"
LOG="$D/build.log"
mkdir -p "$D/bin"

SRC_HASH=""
if [[ "$MODULE" == ./* ]]; then
  TC_MOD_DIR="$REPO/${MODULE#./}"
  [ -f "$TC_MOD_DIR/go.mod" ] || { log "tools/servers/pins.txt: '$NAME': $MODULE has no go.mod"; exit 2; }
  SRC_HASH="src=$(cd "$TC_MOD_DIR" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
else
  tc_mod "$MODULE" "$VERSION" 2>"$D/fetch.err" || { cat "$D/fetch.err" >&2; exit 1; }
fi
if [ "$want_dir" = 1 ]; then printf '%s\n' "$TC_MOD_DIR"; exit 0; fi
# A module whose Go version is not its release number (prometheus v0.316.0 is release 3.16.0) keeps
# the release number in its VERSION file.
for var in $LDX_FILE_VARS; do
  [ -s "$TC_MOD_DIR/VERSION" ] || { log "tools/servers/pins.txt: '$NAME' uses ldxfile= but $MODULE@$VERSION has no VERSION file"; exit 2; }
  LDFLAGS+=" -X $var=$(tr -d '[:space:]' <"$TC_MOD_DIR/VERSION")"
done

# One build of a tool at a time (helpers and test runs may ask for it together); the others wait, then
# find it cached.
exec 9>"$D/.lock"
flock 9
FP="$NAME $MODULE $VERSION $PKG ${OPTS:-} recipe=$RECIPE $(go env GOVERSION)${SRC_HASH:+ $SRC_HASH}"
if tc_marker_ok "$D" "$FP" "$BIN"; then printf '%s\n' "$BIN"; exit 0; fi

log "building $NAME $VERSION from $MODULE (log: $LOG) ..."
T0=$(date +%s)
rm -f "$D/.built"
WORK="$(mktemp -d "$AIRGAP_CACHE/tools/.work-$NAME.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tc_copy_mod "$TC_MOD_DIR" "$WORK/src"
if ! (cd "$WORK/src" && go list -deps "$PKG" >/dev/null && \
      go build -trimpath ${TAGS:+-tags "$TAGS"} -ldflags "$LDFLAGS" -o "$BIN.tmp" "$PKG") >"$LOG" 2>&1; then
  tail -n 20 "$LOG" | sed 's/^/[go-tool]   | /' >&2
  log "FAILED: $NAME $VERSION (log: $LOG)"
  rm -f "$BIN.tmp"
  exit 1
fi
mv -f "$BIN.tmp" "$BIN"
echo "$FP" >"$D/.built"
log "built $NAME $VERSION in $(( $(date +%s) - T0 ))s ($(tc_size "$BIN"))"
printf '%s\n' "$BIN"
