#!/usr/bin/env bash
# First step of every platform job, in the job image (ci/job-image): checks that the image carries the pinned
# Node 22 and Pulumi toolchain, links the npm packages the image was built with (never installs: nothing comes
# from the internet), and compiles dist/ (the program, the policy pack and its CLI). Fails with what to rebuild
# when the image does not match this checkout.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AIRGAP_CI_REPO"
image="${AIRGAP_CI_IMAGE_DIR:-/opt/airgap-ci}"

want_lock="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ]; then
  if [ ! -f "$image/package-lock.sha256" ] || [ "$(cat "$image/package-lock.sha256")" != "$want_lock" ]; then
    echo "[prepare] the job image's npm packages were installed from another package-lock.json (image: $(cat "$image/package-lock.sha256" 2>/dev/null || echo none), checkout: $want_lock):" >&2
    echo "[prepare] rebuild the job image (scripts/ci/build-job-image.sh), push it, and update the image tag in .gitea/workflows/" >&2
    exit 1
  fi
  ln -s "$image/node_modules" node_modules
fi

export PATH="$AIRGAP_CI_REPO/node_modules/.bin:$PATH"
node_version="$(node --version)"
want_node="v$(ci_pinned node)"
if [ "$node_version" != "$want_node" ]; then
  echo "[prepare] node is $node_version, package.json pins $want_node" >&2
  exit 1
fi
. scripts/pulumi-env.sh
pulumi_version="$(pulumi version)"
want_pulumi="v$(ci_pinned @pulumi/pulumi)"
if [ "$pulumi_version" != "$want_pulumi" ]; then
  echo "[prepare] pulumi is $pulumi_version, package.json pins $want_pulumi (toolchain in $AIRGAP_CACHE)" >&2
  exit 1
fi
ci_package_script build:dist
echo "[prepare] node $node_version, pulumi $pulumi_version, npm packages of package-lock $want_lock"
