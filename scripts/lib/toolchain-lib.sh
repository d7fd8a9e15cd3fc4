# shellcheck shell=bash
# Shared helpers for scripts/setup-toolchain.sh and scripts/lib/toolchain-build.sh.
# Sourced, never run. Callers use `set -euo pipefail`.

TC_REPO="${TC_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
AIRGAP_CACHE="${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}"
TC_ROOT="$AIRGAP_CACHE/toolchain"
TC_LOGS="$TC_ROOT/logs"
TC_PULUMI_HOME="$AIRGAP_CACHE/pulumi-home"
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

# Versions: package.json pins, each overridable by an explicit env var (a deliberate deviation).
tc_versions() {
  TC_V_PULUMI="${AIRGAP_TOOLCHAIN_PULUMI_VERSION:-$(tc_pkg_version @pulumi/pulumi)}"
  TC_V_KUBERNETES="${AIRGAP_TOOLCHAIN_KUBERNETES_VERSION:-$(tc_pkg_version @pulumi/kubernetes)}"
  TC_V_COMMAND="${AIRGAP_TOOLCHAIN_COMMAND_VERSION:-$(tc_pkg_version @pulumi/command)}"
  TC_V_RANDOM="${AIRGAP_TOOLCHAIN_RANDOM_VERSION:-$(tc_pkg_version @pulumi/random)}"
  TC_V_LANGUAGE_NODEJS="${AIRGAP_TOOLCHAIN_LANGUAGE_NODEJS_VERSION:-$TC_V_PULUMI}"
}

# Where the pulumi CLI + language host for a version live (also used by pulumi-env.sh).
tc_pulumi_bin() { printf '%s/pulumi-%s/bin' "$TC_ROOT" "$1"; }

# Environment for every go command we run.
tc_go_env() {
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
  unset GOOS GOARCH GOWORK 2>/dev/null || true
  export GOWORK=off
}

# tc_pin FILE KEY VERSION -> the pinned Go module version for KEY@VERSION, or ''.
# Line format: KEY<space>UPSTREAM_VERSION<space>GO_MODULE_VERSION ('#' starts a comment).
tc_pin() {
  [ -f "$1" ] || return 0
  awk -v k="$2" -v v="$3" '$1 !~ /^#/ && $1 == k && $2 == v { print $3; exit }' "$1"
}

# tc_mod MODULE VERSION_OR_HASH: go mod download; sets TC_MOD_DIR, TC_MOD_VERSION,
# TC_MOD_GOMOD, TC_MOD_HASH (Origin.Hash, may be empty). Returns 1 with the proxy's message.
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
  TC_MOD_GOMOD="$(printf '%s' "$out" | tc_json GoMod)"
  TC_MOD_HASH="$(printf '%s' "$out" | tc_json Origin.Hash)"
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
