#!/usr/bin/env bash
# Push-to-main step: `pulumi up --yes` with the policy pack for each stack of CI_STACKS, one after the other,
# stopping at the first that fails. The workflow's concurrency group keeps two runs apart; the backend's lock
# keeps anything else (an operator on the bastion) from running on the same stack at the same time.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ci_require_backend
stacks="$(ci_stacks)"
if [ -z "$stacks" ]; then
  echo "[apply] CI_STACKS is empty: nothing to apply" >&2
  exit 1
fi
. "$AIRGAP_CI_REPO/scripts/pulumi-env.sh"
cd "${AIRGAP_CI_PROGRAM:-$AIRGAP_CI_REPO}"
while IFS= read -r stack; do
  airgap_stack_secrets "$stack"
  pack_config=()
  if [ -f "$AIRGAP_CI_REPO/policy/policy-config.$stack.json" ]; then
    pack_config=(--policy-pack-config "$AIRGAP_CI_REPO/policy/policy-config.$stack.json")
  fi
  echo "[apply] pulumi up --stack $stack"
  pulumi up --stack "$stack" --yes --non-interactive --policy-pack "$AIRGAP_CI_REPO/policy/analyzer.sh" "${pack_config[@]}"
done <<<"$stacks"
echo "[apply] applied: $(echo "$stacks" | tr '\n' ' ')"
