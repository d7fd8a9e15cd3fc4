#!/usr/bin/env bash
# Benchmarks of the real bootstrap on the local cluster; they print, never fail on numbers.
# Usage: bench-e2e.sh [bench|growth|destroy-repeat] [ARGS]: test/e2e/NAME.ts (npm run bench:e2e, bench:growth, bench:destroy).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
bench="${1:-bench}"
case "$bench" in
  bench | growth | destroy-repeat) ;;
  *) echo "usage: $0 [bench|growth|destroy-repeat] [ARGS]" >&2; exit 2 ;;
esac
shift $(($# > 0 ? 1 : 0))
bash scripts/setup-toolchain.sh >/dev/null
bash scripts/setup-cluster.sh >/dev/null
# The program and the policy pack run compiled from dist/ (npm ci builds it; a run rebuilds a stale one itself).
[ -f dist/program.js ] || npm run --silent build:dist
# shellcheck source=scripts/pulumi-env.sh
. scripts/pulumi-env.sh
exec ts-node --transpile-only "test/e2e/$bench.ts" "$@"
