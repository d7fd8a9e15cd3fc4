# shellcheck shell=bash
# Source me (from any directory):   . /path/to/repo/scripts/pulumi-env.sh
# Puts the repo's node_modules/.bin (Node 22) first on PATH, then the toolchain built by
# scripts/setup-toolchain.sh, and sets the Pulumi variables for an offline, local-state setup.
# Does not `set -e` or exit: safe to source in an interactive shell. Before running Pulumi on a stack, call
# `airgap_stack_secrets STACK` (defined below): it stops a stack that has no secrets passphrase of its own.

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
# Secrets: the state holds the SSH key and every generated password, encrypted by the stack's secrets
# provider. Nothing is set here for every stack: `airgap_stack_secrets STACK` (below) decides per stack.
AIRGAP_THROWAWAY_STACKS="local"
AIRGAP_THROWAWAY_PASSPHRASE="airgap-platform-dev-only"

# airgap_stack_secrets STACK: a throwaway stack on this machine (local, the e2e stack) gets the fixed passphrase
# above, which is public (it is in this file). Any other stack brings its own: PULUMI_CONFIG_PASSPHRASE_FILE or
# PULUMI_CONFIG_PASSPHRASE (not empty, not the public one), or a secrets provider other than the passphrase on
# its stack file (`secretsprovider: awskms://...`, `hashivault://...`). Otherwise it says how, and returns 1.
airgap_stack_secrets() {
  local stack="${1:?usage: airgap_stack_secrets STACK}" stack_file provider=""
  case " $AIRGAP_THROWAWAY_STACKS " in
    *" $stack "*)
      if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
        export PULUMI_CONFIG_PASSPHRASE="$AIRGAP_THROWAWAY_PASSPHRASE"
      fi
      return 0 ;;
  esac
  stack_file="$AIRGAP_REPO/Pulumi.$stack.yaml"
  if [ -f "$stack_file" ]; then
    provider="$(sed -n 's/^secretsprovider:[[:space:]]*//p' "$stack_file" | tr -d "\"' \r")"
  fi
  if [ -n "$provider" ] && [ "$provider" != passphrase ]; then
    return 0
  fi
  if [ -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    [ -r "$PULUMI_CONFIG_PASSPHRASE_FILE" ] && [ -s "$PULUMI_CONFIG_PASSPHRASE_FILE" ] && return 0
    echo "[pulumi-env] PULUMI_CONFIG_PASSPHRASE_FILE=$PULUMI_CONFIG_PASSPHRASE_FILE is missing, unreadable or empty: stack '$stack' cannot encrypt its secrets; nothing was run" >&2
    return 1
  fi
  if [ -n "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ "$PULUMI_CONFIG_PASSPHRASE" != "$AIRGAP_THROWAWAY_PASSPHRASE" ]; then
    return 0
  fi
  local file="\$HOME/.config/airgap-platform/$stack.passphrase"
  printf '%s\n' >&2 \
    "[pulumi-env] stack '$stack' has no secrets passphrase of its own; nothing was run." \
    "  Its state holds the SSH key and every generated password. The fixed passphrase of the throwaway stacks" \
    "  ($AIRGAP_THROWAWAY_STACKS) is public, so it is refused here. Create a passphrase once, keep it outside the repository:" \
    "    mkdir -p ~/.config/airgap-platform && (umask 077; head -c 32 /dev/urandom | base64 > $file)" \
    "    export PULUMI_CONFIG_PASSPHRASE_FILE=$file" \
    "  (or export PULUMI_CONFIG_PASSPHRASE, or set a KMS/Vault secretsprovider in Pulumi.$stack.yaml), then run again."
  return 1
}

# The platform program and its policy pack run compiled from dist/ (npm run build:dist). The other TypeScript
# projects (apps/lumen, test fixtures) are type-checked once by `npm run build` (tsc); at every preview and up
# ts-node only transpiles them, which saves seconds of each run.
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"

if [ ! -x "$AIRGAP_PULUMI_BIN/pulumi" ]; then
  echo "[pulumi-env] warning: $AIRGAP_PULUMI_BIN/pulumi is missing: run scripts/setup-toolchain.sh" >&2
fi
unset _airgap_src _airgap_node _airgap_pv _airgap_path _airgap_d

# Node.js keeps the compiled bytecode of each module it loads here (Node 22's module compile cache, checked
# against each file's content), so the program, the dynamic-provider host and the policy pack start without
# compiling @pulumi/pulumi and the program's modules again at every run (docs/bootstrap-speed.md).
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$AIRGAP_CACHE/node-compile-cache}"
