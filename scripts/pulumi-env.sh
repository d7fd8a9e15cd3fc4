# shellcheck shell=bash
# Source me (from any directory):   . /path/to/repo/scripts/pulumi-env.sh
# Puts the repo's node_modules/.bin (Node 22) first on PATH, then the toolchain built by
# scripts/setup-toolchain.sh, and sets the Pulumi variables for an offline, local-state setup.
# Does not `set -e` or exit: safe to source in an interactive shell.

if [ -n "${BASH_SOURCE[0]:-}" ]; then
  _airgap_src="${BASH_SOURCE[0]}"
elif [ -n "${ZSH_VERSION:-}" ]; then
  eval '_airgap_src="${(%):-%x}"'
else
  echo "[pulumi-env] source this file from bash or zsh" >&2
  return 1 2>/dev/null || exit 1
fi
AIRGAP_REPO="$(cd "$(dirname "$_airgap_src")/.." && pwd)"
export AIRGAP_REPO
export AIRGAP_CACHE="${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}"

_airgap_node="$AIRGAP_REPO/node_modules/.bin/node"
[ -x "$_airgap_node" ] || _airgap_node="$(command -v node)"
# The CLI is built at the npm @pulumi/pulumi version (scripts/setup-toolchain.sh).
_airgap_pv="$("$_airgap_node" -p "require('$AIRGAP_REPO/package.json').dependencies['@pulumi/pulumi']" 2>/dev/null)"
AIRGAP_PULUMI_BIN="$AIRGAP_CACHE/toolchain/pulumi-$_airgap_pv/bin"
export AIRGAP_PULUMI_BIN

# PATH: drop earlier copies of our two entries, then prepend them (idempotent re-sourcing).
_airgap_path=":$PATH:"
for _airgap_d in "$AIRGAP_REPO/node_modules/.bin" "$AIRGAP_PULUMI_BIN"; do
  while [ "${_airgap_path#*:"$_airgap_d":}" != "$_airgap_path" ]; do
    _airgap_path="${_airgap_path%%:"$_airgap_d":*}:${_airgap_path#*:"$_airgap_d":}"
  done
done
_airgap_path="${_airgap_path#:}"; _airgap_path="${_airgap_path%:}"
export PATH="$AIRGAP_REPO/node_modules/.bin:$AIRGAP_PULUMI_BIN${_airgap_path:+:$_airgap_path}"

# Plugins live in a PULUMI_HOME under the cache (filled by setup-toolchain.sh).
export PULUMI_HOME="$AIRGAP_CACHE/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# No $PATH lookup of plugins: only PULUMI_HOME plugins (kubernetes) and the bundled ones next to
# `pulumi` (pulumi-language-nodejs, pulumi-resource-pulumi-nodejs), so a stray pulumi-resource-* on
# PATH is never used. Policy packs: `--policy-pack policy/analyzer.sh` (the pinned language host has
# no RunPlugin, so a pack directory fails; see tools/pulumi/README.md).
export PULUMI_IGNORE_AMBIENT_PLUGINS=true

# Local state unless a backend was chosen.
if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p "$AIRGAP_REPO/.pulumi-state"
  export PULUMI_BACKEND_URL="file://$AIRGAP_REPO/.pulumi-state"
fi
# DEV/LOCAL ONLY: a fixed, public passphrase for the file backend's secrets provider, so
# non-interactive runs work. Set PULUMI_CONFIG_PASSPHRASE(_FILE) yourself for anything real.
if [ -z "${PULUMI_CONFIG_PASSPHRASE+x}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE="airgap-platform-dev-only"
fi

# The program is type-checked once by `npm run build` (tsc); at every preview and up ts-node only transpiles,
# which saves seconds of each run.
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"

if [ ! -x "$AIRGAP_PULUMI_BIN/pulumi" ]; then
  echo "[pulumi-env] warning: $AIRGAP_PULUMI_BIN/pulumi is missing: run scripts/setup-toolchain.sh" >&2
fi
unset _airgap_src _airgap_node _airgap_pv _airgap_path _airgap_d
