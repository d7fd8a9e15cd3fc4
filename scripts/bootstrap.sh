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
bash "$repo/scripts/setup-toolchain.sh"

cd "$repo"
pulumi stack select --create "$stack"
# The language host built here has no RunPlugin: the pack runs through its wrapper. A stack may carry its
# own pack config (e.g. the local stack's registry address) as policy/policy-config.<stack>.json.
policy=(--policy-pack "$repo/policy/analyzer.sh")
[ -f "$repo/policy/policy-config.$stack.json" ] && policy+=(--policy-pack-config "$repo/policy/policy-config.$stack.json")
pulumi up --stack "$stack" "${policy[@]}" "$@"
