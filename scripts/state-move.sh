#!/usr/bin/env bash
# npm run state:move -- <stack> <backend-url> [--cwd PROGRAM_DIR]: moves a stack from the backend it is on now
# (PULUMI_BACKEND_URL, else scripts/pulumi-env.sh's file backend) to another, normally the shared postgres://
# backend, with its secrets intact; scripts/state-move.ts has the details.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo/scripts/pulumi-env.sh"
if [ "$#" -ge 1 ] && [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$ ]]; then
  # The stack's own passphrase or secrets provider, checked before anything runs.
  airgap_stack_secrets "$1"
fi
exec ts-node --transpile-only "$repo/scripts/state-move.ts" "$@"
