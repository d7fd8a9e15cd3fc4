#!/usr/bin/env bash
# The real-engine suite: builds (or finds cached) the Pulumi toolchain and the local control plane, then runs
# every test/**/*.e2e.ts with the real CLI against a real kube-apiserver on 127.0.0.1.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
[ -x node_modules/.bin/node ] || { echo "[e2e] run 'npm ci' first (it installs Node 22)" >&2; exit 1; }
echo "[e2e] toolchain"
bash scripts/setup-toolchain.sh
echo "[e2e] control plane"
bash scripts/setup-cluster.sh
# shellcheck source=scripts/pulumi-env.sh
. scripts/pulumi-env.sh
echo "[e2e] pulumi $(pulumi version), node $(node --version)"
exec mocha --config test/e2e/.mocharc.json "$@"
