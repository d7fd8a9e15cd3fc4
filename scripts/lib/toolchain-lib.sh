# shellcheck shell=bash
# Shared helpers for scripts/setup-toolchain.sh and scripts/lib/toolchain-build.sh.
# Sourced, never run. Callers use `set -euo pipefail`.

TC_REPO="${TC_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
AIRGAP_CACHE="${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}"
TC_ROOT="$AIRGAP_CACHE/toolchain"
TC_LOGS="$TC_ROOT/logs"
TC_PULUMI_HOME="$AIRGAP_CACHE/pulumi-home"
TC_PULUMI_PINS="$TC_REPO/tools/pulumi/pins.txt"
TC_PROVIDER_PINS="$TC_REPO/tools/providers/pins.txt"
# Bump when a recipe changes in a way that must invalidate cached binaries.
TC_RECIPE=1

# Node: the repo's Node 22 (npm `node` package) first, then whatever is on PATH.
if [ -x "$TC_REPO/node_modules/.bin/node" ]; then
  TC_NODE="$TC_REPO/node_modules/.bin/node"
else
  TC_NODE="$(command -v node || true)"
fi

tc_log() { printf '[toolchain] %s\n' "$*"; }
tc_err() { printf '[toolchain] %s\n' "$*" >&2; }

# tc_json PATH.TO.FIELD < json  -> prints the field ('' when absent).
tc_json() {
  "$TC_NODE" -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      let v; try { v = JSON.parse(s); } catch (e) { process.exit(0); }
      for (const k of process.argv[1].split(".")) v = v == null ? undefined : v[k];
      if (v != null) process.stdout.write(String(v));
    });' "$1"
}

# tc_pkg_version NPM_PACKAGE -> exact version pinned in package.json (fails on ranges).
tc_pkg_version() {
  "$TC_NODE" -e '
    const p = require(process.argv[1]);
    const n = process.argv[2];
    const v = (p.dependencies || {})[n] || (p.devDependencies || {})[n];
    if (!v) { console.error(`${n} is not in package.json`); process.exit(1); }
    if (!/^\d+\.\d+\.\d+$/.test(v)) { console.error(`${n} must be pinned exactly, got "${v}"`); process.exit(1); }
    process.stdout.write(v);' "$TC_REPO/package.json" "$1"
}

# tc_pin FILE NAME NFIELDS -> fields 2..NFIELDS of the one line whose first field is NAME
# ('#' lines are comments). Fails, naming the file, on no line, several lines or missing fields.
tc_pin() {
  local out rc=0
  out="$(awk -v k="$2" -v n="$3" '
    $1 ~ /^#/ || NF == 0 { next }
    $1 == k { c++; if (NF < n) bad = 1; line = $2; for (i = 3; i <= n; i++) line = line " " $i }
    END { if (c != 1 || bad) exit 1; print line }' "$1" 2>/dev/null)" || rc=1
  if [ "$rc" -ne 0 ] || [ -z "$out" ]; then
    tc_err "${1#"$TC_REPO"/}: need exactly one '$2' line with $3 fields"
    return 1
  fi
  printf '%s' "$out"
}

# tc_versions: the toolchain's versions. The CLI is built at the npm @pulumi/pulumi version; the
# language host and the kubernetes provider come from the pin files (see tools/pulumi/README.md).
#   TC_V_PULUMI, TC_V_LANGUAGE_NODEJS, TC_V_KUBERNETES (plugin version), TC_REF_KUBERNETES (Go module version)
tc_versions() {
  local k
  TC_V_PULUMI="$(tc_pkg_version @pulumi/pulumi)" || return 1
  TC_V_LANGUAGE_NODEJS="$(tc_pin "$TC_PULUMI_PINS" pulumi-language-nodejs 2)" || return 1
  k="$(tc_pin "$TC_PROVIDER_PINS" kubernetes 3)" || return 1
  TC_V_KUBERNETES="${k%% *}"; TC_REF_KUBERNETES="${k#* }"
}

# Where the pulumi CLI + language host for a version live (pulumi-env.sh computes the same path).
tc_pulumi_bin() { printf '%s/pulumi-%s/bin' "$TC_ROOT" "$1"; }

# Environment for every go command we run.
tc_go_env() {
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
  unset GOOS GOARCH GOWORK 2>/dev/null || true
  export GOWORK=off
}

# tc_mod MODULE VERSION: go mod download; sets TC_MOD_DIR and TC_MOD_VERSION. Returns 1 with the
# proxy's message.
tc_mod() {
  local out err tmp
  tmp="$(mktemp -d)"
  out="$(cd "$tmp" && go mod download -json "$1@$2" 2>/dev/null)" || true
  rmdir "$tmp"
  err="$(printf '%s' "$out" | tc_json Error)"
  TC_MOD_DIR="$(printf '%s' "$out" | tc_json Dir)"
  if [ -n "$err" ] || [ -z "$TC_MOD_DIR" ]; then
    tc_err "Go module proxy: ${err:-no answer for $1@$2}"
    return 1
  fi
  TC_MOD_VERSION="$(printf '%s' "$out" | tc_json Version)"
}

# tc_copy_mod DIR DEST: writable copy of a (read-only) module cache directory.
tc_copy_mod() {
  rm -rf "$2"
  mkdir -p "$(dirname "$2")"
  cp -r "$1" "$2"
  chmod -R u+w "$2"
}

# tc_marker_ok DIR FINGERPRINT BIN...: true when DIR/.built matches and every BIN is executable.
tc_marker_ok() {
  local dir="$1" fp="$2"; shift 2
  [ -f "$dir/.built" ] && [ "$(cat "$dir/.built")" = "$fp" ] || return 1
  local b; for b in "$@"; do [ -x "$b" ] || return 1; done
}

tc_size() { du -m "$1" | awk '{print $1 " MB"}'; }
