# shellcheck shell=bash
# The one way this repository builds a pinned Go tool: read its line from a pins file, build it as the
# main module inside a writable copy of its own module folder (never in the working tree), and cache it
# by version under $AIRGAP_CACHE. Sourced by scripts/build-go-tool.sh (the entry point every caller
# uses) and by the setup scripts for pin look-ups. Callers use `set -euo pipefail`.
#
# Pins files and the cache folder each fills ($AIRGAP_CACHE/<area>/<name>-<version>/bin/<binary>):
#   tools/servers/pins.txt    -> tools/      servers and tools of the tests, benchmarks and supply
#   tools/pulumi/pins.txt     -> toolchain/  the Pulumi CLI and its nodejs language host
#   tools/providers/pins.txt  -> toolchain/  Pulumi resource provider plugins
#   tools/cluster/pins.txt    -> cluster/    the local control plane of the e2e tests
# toolchain/ folders name the version without its leading v, as Pulumi names plugin versions.
# The line format and options are described in tools/servers/pins.txt.
# shellcheck disable=SC2034  # GT_* variables are read by the scripts that source this file

GT_REPO="${GT_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
AIRGAP_CACHE="${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}"
GT_PINS_FILES=(tools/servers/pins.txt:tools tools/pulumi/pins.txt:toolchain tools/providers/pins.txt:toolchain tools/cluster/pins.txt:cluster)
# Bump when the build recipe changes in a way that must invalidate every cached binary.
GT_RECIPE=1

# Node: the repo's Node 22 (npm `node` package) first, then whatever is on PATH.
if [ -x "$GT_REPO/node_modules/.bin/node" ]; then
  GT_NODE="$GT_REPO/node_modules/.bin/node"
else
  GT_NODE="$(command -v node || true)"
fi

gt_log() { printf '[go-tool] %s\n' "$*" >&2; }

# gt_json EXPR [ARG...] < JSON: prints the JavaScript expression EXPR evaluated with `v` = the parsed
# input and `a` = the ARGs; prints nothing when the value is null/undefined or the input is not JSON.
gt_json() {
  [ -n "$GT_NODE" ] || { gt_log "node is not on PATH (run npm ci first)"; return 1; }
  # shellcheck disable=SC2016  # JavaScript, not shell
  "$GT_NODE" -e '
    let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
      let v; try { v = JSON.parse(s); } catch { return; }
      const r = new Function("v", "a", `return (${process.argv[1]});`)(v, process.argv.slice(2));
      if (r != null) process.stdout.write(String(r));
    });' "$@"
}

# gt_npm_version PACKAGE: the exact version package.json pins (fails on a range or a missing package).
gt_npm_version() {
  local v
  v="$(gt_json 'v.dependencies?.[a[0]] ?? v.devDependencies?.[a[0]]' "$1" <"$GT_REPO/package.json")"
  [ -n "$v" ] || { gt_log "package.json: $1 is not a dependency"; return 1; }
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { gt_log "package.json: $1 must be pinned exactly, got '$v'"; return 1; }
  printf '%s' "$v"
}

# gt_pin NAME: finds NAME's line in the pins files and checks it. Sets GT_PINS (pins file), GT_AREA,
# GT_MODULE, GT_VERSION (resolved: npm:PKG becomes v<version in package.json>), GT_PKG, GT_OPTS (the
# options as written), GT_OPT_* (parsed options). Refuses, naming the file, line and field, a name
# found on no line or on several, a missing field, a malformed module, version or option.
gt_pin() {
  local name="$1" entry file area found="" where="" n line lineno
  [[ "$name" =~ ^[a-z0-9][a-z0-9.-]*$ ]] || { gt_log "'$name' is not a tool name (lowercase letters, digits, '.', '-')"; return 2; }
  for entry in "${GT_PINS_FILES[@]}"; do
    file="${entry%%:*}"; area="${entry#*:}"
    [ -f "$GT_REPO/$file" ] || continue
    lineno=0
    while IFS= read -r line || [ -n "$line" ]; do
      lineno=$((lineno + 1))
      read -r n _ <<<"$line" || true
      [ "${n:-}" = "$name" ] || continue
      [ -z "$found" ] || { gt_log "'$name' is pinned twice: $where and $file:$lineno"; return 2; }
      found="$line"; where="$file:$lineno"; GT_PINS="$file"; GT_AREA="$area"
    done <"$GT_REPO/$file"
  done
  [ -n "$found" ] || { gt_log "no line '$name' in ${GT_PINS_FILES[*]%%:*}"; return 2; }
  local rest; read -r _ GT_MODULE GT_VERSION GT_PKG rest <<<"$found"
  GT_OPTS="$(printf '%s' "$rest" | tr -s ' \t' ' ')"; GT_OPTS="${GT_OPTS% }"
  local bad="$where: '$name'"
  [ -n "${GT_PKG:-}" ] || { gt_log "$bad needs NAME MODULE VERSION PACKAGE [OPTION ...]"; return 2; }
  [[ "$GT_MODULE" =~ ^(\./[A-Za-z0-9._/-]+|[a-z0-9.-]+\.[a-z]+(/[A-Za-z0-9._~-]+)*)$ && "$GT_MODULE" != *..* ]] \
    || { gt_log "$bad: MODULE '$GT_MODULE' is neither a Go module path nor ./<folder of this repository>"; return 2; }
  if [[ "$GT_VERSION" =~ ^npm:(@?[a-z0-9][a-z0-9._/-]*)$ ]]; then
    GT_VERSION="v$(gt_npm_version "${BASH_REMATCH[1]}")" || return 2
  fi
  [[ "$GT_VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+incompatible)?$ ]] \
    || { gt_log "$bad: VERSION '$GT_VERSION' is not a Go module version (vX.Y.Z[-pre]) nor npm:<package>"; return 2; }
  [[ "$GT_PKG" =~ ^(\.|\./[A-Za-z0-9._/-]+|[a-z0-9.-]+\.[a-z]+(/[A-Za-z0-9._~-]+)*)$ && "$GT_PKG" != *..* ]] \
    || { gt_log "$bad: PACKAGE '$GT_PKG' is not a Go package path (., ./dir or a full import path)"; return 2; }
  GT_OPT_CGO=0; GT_OPT_TAGS=""; GT_OPT_IN=""; GT_OPT_GENERATE=""; GT_OPT_BIN="$name"
  GT_OPT_LD=(); GT_OPT_BESIDE=()
  local opt val ident='[A-Za-z0-9_.~/-]+'
  for opt in $GT_OPTS; do
    val="${opt#*=}"
    case "$opt" in
      cgo) GT_OPT_CGO=1; continue ;;
      tags=*) [[ "$val" =~ ^[A-Za-z0-9_.]+(,[A-Za-z0-9_.]+)*$ ]] && GT_OPT_TAGS="$val" && continue ;;
      ldx=*|ldxv=*|ldxfile=*) [[ "$val" =~ ^$ident$ ]] && GT_OPT_LD+=("$opt") && continue ;;
      ldset=*) [[ "$val" =~ ^$ident=[A-Za-z0-9_.:+-]+$ ]] && GT_OPT_LD+=("$opt") && continue ;;
      ldk8s=*) [[ "$val" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] && GT_OPT_LD+=("$opt") && continue ;;
      in=*) [[ "$val" =~ ^\./[A-Za-z0-9._/-]+$ && "$val" != *..* ]] && GT_OPT_IN="$val" && continue ;;
      beside=*) [[ "$val" =~ ^[A-Za-z0-9_-]+:[a-z0-9.-]+\.[a-z]+(/[A-Za-z0-9._~-]+)*$ ]] && GT_OPT_BESIDE+=("$val") && continue ;;
      generate=*) [[ "$val" =~ ^\./[A-Za-z0-9._/-]+$ && "$val" != *..* ]] && GT_OPT_GENERATE="$val" && continue ;;
      bin=*) [[ "$val" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] && GT_OPT_BIN="$val" && continue ;;
      *) gt_log "$bad: unknown option '$opt' (see the header of tools/servers/pins.txt)"; return 2 ;;
    esac
    gt_log "$bad: malformed option '$opt' (see the header of tools/servers/pins.txt)"; return 2
  done
  if [ -n "$GT_OPT_IN" ] && [[ "$GT_MODULE" == ./* ]]; then
    gt_log "$bad: in= builds an upstream MODULE inside a tools module; a ./ MODULE is built in its own folder"; return 2
  fi
}

# gt_cache_dir NAME: $AIRGAP_CACHE/<area>/NAME-<version> of the line gt_pin read.
gt_cache_dir() {
  local v="$GT_VERSION"
  [ "$GT_AREA" != toolchain ] || v="${v#v}"
  printf '%s/%s/%s-%s' "$AIRGAP_CACHE" "$GT_AREA" "$1" "$v"
}

# gt_go_version: the Go version (gt_go_env asks once).
gt_go_version() { printf '%s' "${GT_GOVERSION:-$(go env GOVERSION)}"; }

# gt_go_env: the environment of every go command (no toolchain download, no workspace, no VCS stamp).
gt_go_env() {
  export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" GOWORK=off CGO_ENABLED="${GT_OPT_CGO:-0}"
  unset GOOS GOARCH
  GT_GOVERSION="$(go env GOVERSION)"
}

# gt_download MODULE VERSION: go mod download; sets GT_MOD_DIR (read-only module folder), GT_MOD_GOMOD
# (its go.mod) and GT_MOD_COMMIT (the commit, when the proxy names one). Fails with the proxy's message.
gt_download() {
  local out err tmp
  tmp="$(mktemp -d)"
  out="$(cd "$tmp" && go mod download -json "$1@$2" 2>/dev/null)" || true
  rmdir "$tmp"
  local fields
  fields="$(printf '%s' "$out" | gt_json '[v.Error, v.Dir, v.GoMod, v.Origin?.Hash].map((f) => f ?? "").join("\n")')"
  { read -r err; read -r GT_MOD_DIR; read -r GT_MOD_GOMOD; read -r GT_MOD_COMMIT; } <<<"$fields"
  if [ -n "$err" ] || [ -z "$GT_MOD_DIR" ]; then
    gt_log "Go module proxy: ${err:-no answer for $1@$2}"
    return 1
  fi
}

# gt_required GOMOD MODULE: the version GOMOD requires of MODULE ('' when none).
gt_required() {
  awk -v m="$2" '
    $1 == "require" && $2 == m && $3 ~ /^v/ { print $3; exit }
    $1 == m && $2 ~ /^v/ { print $2; exit }' "$1"
}

# gt_src_hash DIR: hash of a tracked module folder's go.mod, go.sum and Go sources.
gt_src_hash() {
  (cd "$1" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# gt_fingerprint NAME [SRC_HASH]: the cache key of the line gt_pin read, kept in <cache dir>/.built: the
# line itself (version resolved), the recipe number, the Go version and, for a tracked folder, its hash.
gt_fingerprint() {
  printf '%s %s %s %s %s recipe=%s %s%s' "$1" "$GT_MODULE" "$GT_VERSION" "$GT_PKG" "$GT_OPTS" "$GT_RECIPE" \
    "$(gt_go_version)" "${2:+ src=$2}"
}

# gt_ldflags MODULE_DIR: the -ldflags of the line gt_pin read (ldx*, ldset, ldk8s options, in order).
gt_ldflags() {
  local ld="-s -w" opt val p kv
  for opt in "${GT_OPT_LD[@]+"${GT_OPT_LD[@]}"}"; do
    val="${opt#*=}"
    case "$opt" in
      ldx=*) ld+=" -X $val=$GT_VERSION" ;;
      ldxv=*) ld+=" -X $val=${GT_VERSION#v}" ;;
      ldset=*) ld+=" -X $val" ;;
      ldxfile=*)
        # A module whose Go version is not its release number (prometheus v0.316.0 is release 3.16.0)
        # keeps the release number in its VERSION file.
        [ -s "$1/VERSION" ] || { gt_log "$GT_PINS: '$GT_MODULE@$GT_VERSION' has no VERSION file for $opt"; return 2; }
        ld+=" -X $val=$(tr -d '[:space:]' <"$1/VERSION")" ;;
      ldk8s=*)
        # kwokctl parses `--version` (an unstamped v0.0.0 counts as the newest release); val = build date.
        kv="${GT_VERSION#v}"
        for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
          ld+=" -X $p.gitVersion=$GT_VERSION -X $p.gitMajor=${kv%%.*}"
          ld+=" -X $p.gitMinor=$(echo "$kv" | cut -d. -f2) -X $p.gitCommit=$GT_MOD_COMMIT"
          ld+=" -X $p.gitTreeState=clean -X $p.buildDate=$val"
        done ;;
    esac
  done
  printf '%s' "$ld"
}

# gt_legacy_marker NAME D BIN LDFLAGS SRCDIR: recognises binaries cached before the pins files were
# unified (the toolchain's and the control plane's own markers), so a warm cache is not rebuilt.
# Sets GT_LEGACY_FILE, GT_LEGACY_FP, GT_LEGACY_BIN; returns 1 when this tool had no earlier marker.
gt_legacy_marker() {
  local name="$1" d="$2" bin="$3" ld="$4" src="$5" gov v="${GT_VERSION#v}"
  gov="$(gt_go_version)"
  GT_LEGACY_BIN="$bin"; GT_LEGACY_FILE="$d/.built"
  case "$GT_AREA:$name" in
    cluster:*)
      GT_LEGACY_FILE="$d/bin/.fingerprint"
      GT_LEGACY_FP="$( { echo "$name $GT_VERSION $GT_PKG $ld $GT_OPT_TAGS $gov"; cat "$src/go.mod" "$src/go.sum"; } | sha256sum | cut -c1-16)" ;;
    # The toolchain's markers named only versions: they stand for the recipe below, and for no other line.
    toolchain:pulumi)
      [ "$GT_MODULE $GT_PKG $GT_OPTS" = "github.com/pulumi/pulumi/pkg/v3 ./cmd/pulumi tags=osusergo,grpcnotrace ldx=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version beside=sdk:github.com/pulumi/pulumi/sdk/v3" ] || return 1
      GT_LEGACY_FP="pulumi $v $gov recipe=1" ;;
    toolchain:kubernetes)
      [ "$GT_MODULE $GT_PKG $GT_OPTS" = "github.com/pulumi/pulumi-kubernetes/provider/v4 ./cmd/pulumi-resource-kubernetes bin=pulumi-resource-kubernetes generate=./cmd/pulumi-resource-kubernetes ldx=github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version beside=sdk:github.com/pulumi/pulumi-kubernetes/sdk/v4" ] || return 1
      GT_LEGACY_FP="kubernetes $v $GT_VERSION $gov recipe=1" ;;
    toolchain:pulumi-language-nodejs)
      [ "$GT_MODULE $GT_PKG $GT_OPTS" = "github.com/pulumi/pulumi/sdk/v3 ./nodejs/cmd/pulumi-language-nodejs tags=osusergo,grpcnotrace ldx=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version" ] || return 1
      local pv; pv="$(gt_npm_version @pulumi/pulumi)" || return 1
      GT_LEGACY_FILE="$AIRGAP_CACHE/toolchain/pulumi-$pv/language-nodejs/.built"
      GT_LEGACY_BIN="$AIRGAP_CACHE/toolchain/pulumi-$pv/bin/pulumi-language-nodejs"
      GT_LEGACY_FP="pulumi-language-nodejs $v $gov recipe=1" ;;
    *) return 1 ;;
  esac
}
