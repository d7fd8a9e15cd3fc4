#!/usr/bin/env bash
# Executable analyzer of this policy pack, for language hosts without the RunPlugin RPC (the
# pinned pulumi-language-nodejs 3.68.0, see tools/pulumi/pins.txt), where `--policy-pack policy`
# fails with "not supported". Usage (from any directory):
#
#   pulumi preview --policy-pack /path/to/repo/policy/analyzer.sh [--policy-pack-config policy/x.json]
#
# When --policy-pack names a file, the pulumi CLI (3.260.0 here) runs it as a binary analyzer plugin:
#   cwd = the *program's* directory, args = [--logtostderr] [-v=N] [--tracing URL] ENGINE_ADDRESS,
#   stdout's first line must be the gRPC port (printed by the pack's server); PulumiPolicy.yaml is
#   read from this file's directory. Policy config (--policy-pack-config) and the stack's config
#   arrive over gRPC (Configure / ConfigureStack), not through the environment.
# So: cd to the pack directory (PolicyPack reads ./package.json for its version) and run @pulumi/pulumi's
# run-policy-pack there with the repo's Node 22, on the pack compiled into dist/policy (npm run build:dist, run by
# npm ci): no TypeScript is compiled at preview or up (run-policy-pack registers ts-node, which then has nothing
# to compile). A policy source newer than its compiled copy is rebuilt first (lib/fresh-build.ts; its output goes
# to stderr, as stdout's first line must be the port).
set -euo pipefail

PACK_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
REPO_DIR="$(dirname "$PACK_DIR")"

ENGINE=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --logtostderr | -v=* | --tracing=*) shift ;;
    --tracing) shift 2 2>/dev/null || shift ;;
    -*) shift ;;
    *) [ -n "$ENGINE" ] || ENGINE="$1"; shift ;;
  esac
done
if [ -z "$ENGINE" ]; then
  echo "usage: $0 ENGINE_ADDRESS (run by pulumi: --policy-pack $0)" >&2
  exit 2
fi

NODE="$REPO_DIR/node_modules/.bin/node"
[ -x "$NODE" ] || NODE="$(command -v node || true)"
if [ -z "$NODE" ]; then
  echo "analyzer.sh: no node: run npm ci in $REPO_DIR" >&2
  exit 1
fi

cd "$PACK_DIR"
if ! RUN_POLICY_PACK="$("$NODE" -p 'require.resolve("@pulumi/pulumi/cmd/run-policy-pack")' 2>/dev/null)"; then
  echo "analyzer.sh: @pulumi/pulumi/cmd/run-policy-pack not found from $PACK_DIR: run npm ci in $REPO_DIR" >&2
  exit 1
fi
COMPILED="$REPO_DIR/dist/policy/index.js"
if [ ! -f "$COMPILED" ] || [ ! -f "$REPO_DIR/dist/lib/fresh-build.js" ]; then
  echo "analyzer.sh: $COMPILED is missing: run npm run build:dist (or npm ci) in $REPO_DIR" >&2
  exit 1
fi
"$NODE" "$REPO_DIR/dist/lib/fresh-build.js" >&2
exec "$NODE" "$RUN_POLICY_PACK" "$ENGINE" "$COMPILED"
