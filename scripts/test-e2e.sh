#!/usr/bin/env bash
# The real-engine suite: builds (or finds cached) the Pulumi toolchain and the local control plane, then runs
# every test/**/*.e2e.ts with the real CLI against a real kube-apiserver on 127.0.0.1.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
[ -x node_modules/.bin/node ] || { echo "[e2e] run 'npm ci' first (it installs Node 22)" >&2; exit 1; }
# The program and the policy pack run compiled from dist/ (npm ci builds it; a run rebuilds a stale one itself).
[ -f dist/program.js ] || npm run --silent build:dist
echo "[e2e] toolchain"
bash scripts/setup-toolchain.sh
echo "[e2e] control plane"
bash scripts/setup-cluster.sh
echo "[e2e] gitea (test/e2e/harness/gitea.ts): $(bash scripts/build-go-tool.sh gitea)"
echo "[e2e] argo-rollouts (test/e2e/harness/rollouts.ts): $(bash scripts/build-go-tool.sh argo-rollouts)"
echo "[e2e] prometheus (test/e2e/harness/prometheus.ts): $(bash scripts/build-go-tool.sh prometheus)"
echo "[e2e] ocisupply (supply/, the seed): $(bash scripts/build-go-tool.sh ocisupply)"
echo "[e2e] npm cache for the bastion bundle (test/supply/airgap-install.e2e.ts): $(node_modules/.bin/ts-node --transpile-only supply/bastion.ts fill-npm-cache)"
echo "[e2e] helm (supply/charts.ts): $(bash scripts/build-go-tool.sh helm)"
echo "[e2e] crane (test/supply): $(bash scripts/build-go-tool.sh crane)"
# shellcheck source=scripts/pulumi-env.sh
. scripts/pulumi-env.sh
echo "[e2e] pulumi $(pulumi version), node $(node --version)"
exec mocha --config test/e2e/.mocharc.json "$@"
