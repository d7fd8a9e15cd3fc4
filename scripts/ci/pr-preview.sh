#!/usr/bin/env bash
# Pull-request step: for each stack of CI_STACKS, `pulumi preview --diff --json` with the policy pack, the
# manifest linter on GITOPS_PATHS, and one comment on the pull request (scripts/ci/preview.ts has the details
# and the options). Exit 1 when the pull request must not be merged as it is; the comment is posted anyway.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ci_require_backend
. "$AIRGAP_CI_REPO/scripts/pulumi-env.sh"
exec ts-node --transpile-only "$AIRGAP_CI_REPO/scripts/ci/preview.ts" "$@"
