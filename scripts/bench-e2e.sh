#!/usr/bin/env bash
# Benchmark of the real bootstrap on the local cluster (see test/e2e/bench.ts); prints, never fails on numbers.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
bash scripts/setup-toolchain.sh >/dev/null
bash scripts/setup-cluster.sh >/dev/null
# shellcheck source=scripts/pulumi-env.sh
. scripts/pulumi-env.sh
exec ts-node --transpile-only test/e2e/bench.ts
