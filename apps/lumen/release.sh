#!/usr/bin/env bash
# Releases a version of the lumen app: one command, run from anywhere.
#
#   npm run release -- v1.5.4                  set imageTag, render, publish
#   npm run release -- --render                re-render the current config (no tag change)
#   options: --stack NAME (default airgap)  --output DIR (default: the stack's outputDir)
#   The pack config is policy-config.<stack>.json when it exists, else policy-config.json.
#
# 1. Checks the tag (an exact version or a commit SHA, never latest).
# 2. Renders a copy of the stack file with the tag set (`pulumi config set imageTag`) through
#    `pulumi up --policy-pack`, against a throwaway local state: every render creates every object, so the
#    output depends only on the program and the stack file, and a render never needs (or leaves) state
#    anywhere. The provider writes files; nothing reaches a cluster.
# 3. Publishes <render>/1-manifest/*.yaml flat into the folder Argo CD watches (publish.ts), then writes the
#    tag into the stack file itself (`pulumi config set imageTag`).
# On any failure the stack file and the published folder are left as they were.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log() { echo "[release] $*" >&2; }
die() { echo "[release] error: $*" >&2; exit 1; }

usage="usage: npm run release -- <vX.Y.Z|commit-sha|--render> [--stack NAME] [--output DIR]"
version=""
render_only=false
stack="airgap"
output=""
while [ $# -gt 0 ]; do
  case "$1" in
    --render) render_only=true ;;
    --stack) stack="${2:?--stack needs a name}"; shift ;;
    --stack=*) stack="${1#*=}" ;;
    --output) output="${2:?--output needs a folder}"; shift ;;
    --output=*) output="${1#*=}" ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) die "unknown option $1; $usage" ;;
    *) [ -z "$version" ] || die "one version only; $usage"; version="$1" ;;
  esac
  shift
done
if $render_only; then
  [ -z "$version" ] || die "--render re-renders the configured tag; give either a version or --render"
else
  [ -n "$version" ] || die "$usage"
  # The stack config's own imageTag rule (release-tag.ts): what CI pushes, never a moving tag.
  reason="$("$repo/node_modules/.bin/ts-node" --transpile-only "$here/release-tag.ts" "$version" 2>&1)" \
    || die "'$version' is not a release tag: $reason"
fi
# An output given relative to where `npm run` was typed (npm runs scripts from the package root).
if [ -n "$output" ] && [[ "$output" != /* ]]; then
  output="${INIT_CWD:-$PWD}/$output"
fi

# shellcheck source=../../scripts/pulumi-env.sh
. "$repo/scripts/pulumi-env.sh"
command -v pulumi >/dev/null || die "pulumi is not on PATH: run scripts/setup-toolchain.sh (see README)"

stack_file="$here/Pulumi.$stack.yaml"
[ -f "$stack_file" ] || die "$stack_file does not exist"

work="$(mktemp -d "${TMPDIR:-/tmp}/lumen-release.XXXXXX")"
# The render runs on a copy of the stack file, as a stack of its own name in a throwaway backend: concurrent
# renders never share a file, and the committed stack file changes only when a release succeeds.
render_stack="lumen-render-$$"
render_stack_file="$here/Pulumi.$render_stack.yaml"
config="$work/Pulumi.$stack.yaml"
cp "$stack_file" "$config"
cleanup() {
  local rc=$?
  [ $rc -eq 0 ] || log "failed: nothing published, $(basename "$stack_file") unchanged"
  rm -f "$render_stack_file"
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

# A throwaway backend: the render is a pure function of the program and the stack file.
export PULUMI_BACKEND_URL="file://$work/state"
mkdir -p "$work/state"
# The render holds no secret; a fixed passphrase keeps the throwaway state usable without prompting.
export PULUMI_CONFIG_PASSPHRASE="lumen-render-holds-no-secrets"
unset PULUMI_CONFIG_PASSPHRASE_FILE
# Render mode must not talk to any cluster (the provider also refuses a kubeconfig next to renderYamlToDirectory).
unset KUBECONFIG

cd "$here"
on_copy=(--stack "$render_stack" --config-file "$config")
pulumi stack init "$render_stack" --non-interactive >/dev/null
$render_only || pulumi config set "${on_copy[@]}" imageTag "$version"
[ -n "$output" ] || output="$(pulumi config get "${on_copy[@]}" outputDir 2>/dev/null || echo rendered/03-airgap-zone/manifests/app)"
case "$output" in /*) ;; *) output="$here/$output" ;; esac
# Each run renders into its own folder (renderDir of the stack file is for a plain `pulumi up`).
render_dir="$work/render"
pulumi config set "${on_copy[@]}" renderDir "$render_dir"

# The pack's executable analyzer where it exists (language hosts without RunPlugin), else the pack folder.
policy_pack="$repo/policy"
[ -x "$repo/policy/analyzer.sh" ] && policy_pack="$repo/policy/analyzer.sh"
# A stack with settings of its own (the e2e stack's Prometheus address) has its own pack config.
policy_config="$here/policy-config.json"
[ -f "$here/policy-config.$stack.json" ] && policy_config="$here/policy-config.$stack.json"

log "rendering $(basename "$stack_file")${version:+ with imageTag $version} through the policy pack"
pulumi up "${on_copy[@]}" --yes --non-interactive --skip-preview \
  --policy-pack "$policy_pack" --policy-pack-config "$policy_config" >"$work/up.log" 2>&1 || {
  cat "$work/up.log" >&2
  die "pulumi up failed (configuration or policy violation above)"
}

"$repo/node_modules/.bin/ts-node" --transpile-only "$here/publish.ts" "$render_dir" "$output"
if ! $render_only; then
  # The one change to the committed stack file (without the salt the passphrase provider may add).
  had_salt=false
  grep -q '^encryptionsalt:' "$stack_file" && had_salt=true
  pulumi config set --stack "$render_stack" --config-file "$stack_file" imageTag "$version"
  $had_salt || sed -i '/^encryptionsalt:/d' "$stack_file"
  log "imageTag = $version in $(basename "$stack_file")"
fi
log "done: review and commit $(realpath --relative-to="${INIT_CWD:-$PWD}" "$output" 2>/dev/null || echo "$output")$($render_only || echo " and $(basename "$stack_file")")"
