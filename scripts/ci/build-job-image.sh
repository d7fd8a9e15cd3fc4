#!/usr/bin/env bash
# Builds the CI job image (ci/job-image/Containerfile) on the bastion and pushes it to the internal registry.
#   scripts/ci/build-job-image.sh --print-ref   the reference the workflows must pin (nothing is built)
#   scripts/ci/build-job-image.sh               build and push; prints the pushed digest
# Needs the bastion's `npm ci` (node_modules, with Node 22) and scripts/setup-toolchain.sh (the Pulumi CLI,
# language host and plugins in ~/.cache/airgap-platform), and a Docker daemon that reaches the registry.
# The tag names the pinned Node and Pulumi versions and the recipe revision, so a new pin means a new tag.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AIRGAP_CI_REPO"
recipe=ci/job-image/Containerfile

registry="$(sed -n 's/^registry:[[:space:]]*//p' artifacts.lock.yaml)"
node_v="$(ci_pinned node)"
pulumi_v="$(ci_pinned @pulumi/pulumi)"
revision="$(sed -n 's/^ARG RECIPE_REVISION=//p' "$recipe")"
ref="$registry/airgap-platform/ci:node$node_v-pulumi$pulumi_v-r$revision"
if [ "${1:-}" = --print-ref ]; then
  echo "$ref"
  exit 0
fi

. scripts/pulumi-env.sh
[ -x node_modules/node/bin/node ] || { echo "[job-image] node_modules/node is missing: run npm ci first" >&2; exit 1; }
[ -x "$AIRGAP_PULUMI_BIN/pulumi" ] || { echo "[job-image] the Pulumi toolchain is missing: run scripts/setup-toolchain.sh first" >&2; exit 1; }
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp -a node_modules "$context/node_modules"
sha256sum package-lock.json | cut -d' ' -f1 >"$context/package-lock.sha256"
mkdir -p "$context/cache"
cp -a "$AIRGAP_CACHE/toolchain" "$AIRGAP_CACHE/pulumi-home" "$context/cache/"
# Build logs stay on the bastion.
find "$context/cache" -name build.log -delete
docker build --pull=false --build-arg "REGISTRY=$registry" -f "$recipe" -t "$ref" "$context"
docker push "$ref"
echo "[job-image] pushed $(docker image inspect --format '{{index .RepoDigests 0}}' "$ref")"
