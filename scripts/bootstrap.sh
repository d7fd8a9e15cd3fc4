#!/usr/bin/env bash
# Bootstraps the platform on a stack: builds the pinned Pulumi toolchain if missing, then runs
# `pulumi up` with the policy pack. Usage: npm run bootstrap -- STACK [extra pulumi up flags]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
stack="${1:?usage: npm run bootstrap -- STACK [pulumi up flags]}"
shift

[ -x "$repo/node_modules/.bin/node" ] || { echo "[bootstrap] run 'npm ci' first (it installs Node 22)" >&2; exit 1; }
# shellcheck source=scripts/pulumi-env.sh
. "$repo/scripts/pulumi-env.sh" 2>/dev/null
# A stack without a passphrase of its own stops here, before the toolchain build and before Pulumi.
airgap_stack_secrets "$stack"
if command -v go >/dev/null; then
  bash "$repo/scripts/setup-toolchain.sh"
elif [ ! -x "$AIRGAP_PULUMI_BIN/pulumi" ]; then
  # An air-gapped bastion has no Go: its toolchain comes from the bundle (scripts/airgap-install.sh).
  echo "[bootstrap] no Go to build the Pulumi toolchain and none at $AIRGAP_PULUMI_BIN: bash scripts/airgap-install.sh BUNDLE first" >&2
  exit 1
fi

cd "$repo"
# The program and the policy pack run compiled from dist/ (npm ci builds it; a run rebuilds a stale one itself).
[ -f dist/program.js ] || npm run --silent build:dist
pulumi stack select --create "$stack"
# The language host built here has no RunPlugin: the pack runs through its wrapper. A stack may carry its
# own pack config (e.g. the local stack's registry address) as policy/policy-config.<stack>.json.
policy=(--policy-pack "$repo/policy/analyzer.sh")
[ -f "$repo/policy/policy-config.$stack.json" ] && policy+=(--policy-pack-config "$repo/policy/policy-config.$stack.json")
pulumi up --stack "$stack" "${policy[@]}" "$@"
