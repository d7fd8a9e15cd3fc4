#!/usr/bin/env bash
# Installs this repository's dependencies on an air-gapped bastion from the bundle `npm run bundle` made in
# the connected zone; downloads nothing. Needs bash, coreutils, tar, gzip and a system Node >= 18 with its
# npm (Debian bookworm's nodejs and npm packages will do): Node 22 itself comes from the bundle.
#
#   bash scripts/airgap-install.sh BUNDLE        (BUNDLE: the folder carried across, e.g. airgap-bundle)
#
# 1. reads BUNDLE/bastion/manifest and verifies the sha256 of every file it lists, and every blob of the
#    supply layout (its sha256sums), before anything is installed;
# 2. stops when the bundle was made for another package-lock.json (naming both);
# 3. `npm ci --offline` from the bundle's npm cache (--omit=dev unless the bundle holds every package);
#    HOME's npm cache is not used, and no `pulumi` is on npm's PATH, so no install script fetches a plugin;
# 4. compares the toolchain's versions with this repository's pins (naming both), then unpacks the Pulumi
#    CLI and language host where scripts/pulumi-env.sh looks ($AIRGAP_PULUMI_BIN) and installs the
#    kubernetes plugin from its file into $PULUMI_HOME (automatic plugin downloads stay off), and ocisupply
#    beside the CLI;
# 5. prints the time of each step.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[airgap-install] %s\n' "$*"; }
die() { printf '[airgap-install] error: %s\n' "$*" >&2; exit 1; }

[ "$#" -eq 1 ] || die "usage: bash scripts/airgap-install.sh BUNDLE (the folder npm run bundle wrote, e.g. airgap-bundle)"
[ -d "$1" ] || die "bundle folder '$1' does not exist"
bundle="$(cd -- "$1" && pwd)"
manifest="$bundle/bastion/manifest"
[ -f "$manifest" ] || die "'$manifest' is missing: make the bundle with npm run bundle in the connected zone"
t_start=$(date +%s)
step_start=$t_start
step_done() { local now; now=$(date +%s); log "$1 ($((now - step_start)) s)"; step_start=$now; }

# Prerequisites: a system npm to run `npm ci`; the `node` package's own install step runs `node` and `npm` too.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  die "a system Node >= 18 with npm is needed to install (Node 22 then comes from the bundle): e.g. apt-get install nodejs npm from the distribution's media"
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' \
  || die "the system Node is $(node --version); npm ci from the bundle needs Node >= 18"
for tool in sha256sum tar gzip; do command -v "$tool" >/dev/null || die "$tool is not on PATH"; done

# 1. The manifest: every value checked before use, every path inside the bundle.
declare -A want=()
files=()
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in '' | '#'*) continue ;; esac
  read -r key a b c d <<<"$line"
  case "$key" in
    file)
      [[ "$a" =~ ^[a-z-]+$ && "$b" =~ ^sha256:[0-9a-f]{64}$ && "$c" =~ ^[0-9]+$ && "$d" =~ ^[A-Za-z0-9_][A-Za-z0-9._/-]*$ && "$d" != *..* ]] \
        || die "$manifest: malformed line '$line'"
      files+=("$a $b $c $d") ;;
    size) ;;
    *)
      [[ "$key" =~ ^[a-z-]+$ && "$a" =~ ^[0-9A-Za-z][0-9A-Za-z.+:-]*$ && -z "$b" ]] || die "$manifest: malformed line '$line'"
      want[$key]="$a" ;;
  esac
done <"$manifest"
[ "${want[format]:-}" = 1 ] || die "$manifest: format '${want[format]:-}' is not 1: this installer is older or newer than the bundle"
for key in package-lock npm-set node pulumi pulumi-language-nodejs kubernetes; do
  [ -n "${want[$key]:-}" ] || die "$manifest: no '$key' line"
done
case "${want[npm-set]}" in production | full) ;; *) die "$manifest: npm-set '${want[npm-set]}' is neither production nor full" ;; esac

# kind_path KIND: the one file of that kind.
kind_path() {
  local entry found=""
  for entry in "${files[@]}"; do
    read -r kind _ _ file <<<"$entry"
    [ "$kind" != "$1" ] || { [ -z "$found" ] || die "$manifest: two '$1' files"; found="$file"; }
  done
  [ -n "$found" ] || die "$manifest: no '$1' file"
  printf '%s' "$found"
}
# Assignments, so that a manifest without one of them stops here (set -e).
npm_cache_file="$(kind_path npm-cache)"
toolchain_file="$(kind_path toolchain)"
ocisupply_file="$(kind_path ocisupply)"
supply_sums="$(kind_path supply)"

log "verifying $bundle"
for entry in "${files[@]}"; do
  read -r kind sha bytes file <<<"$entry"
  [ -f "$bundle/$file" ] || die "$file ($kind) is missing from the bundle"
  [ "$(stat -c %s "$bundle/$file")" = "$bytes" ] || die "$file ($kind) has $(stat -c %s "$bundle/$file") bytes, the manifest says $bytes: the bundle is incomplete or corrupted"
  printf '%s  %s\n' "${sha#sha256:}" "$file" | (cd "$bundle" && sha256sum --check --quiet --strict -) >/dev/null 2>&1 \
    || die "$file ($kind) does not have the sha256 the manifest records (${sha}): the bundle is corrupted"
done
(cd "$bundle/$(dirname "$supply_sums")" && sha256sum --check --quiet --strict "$(basename "$supply_sums")") \
  || die "the supply layout $(dirname "$supply_sums") does not match its sha256sums: the bundle is corrupted"
step_done "every digest verified"

# 2. The lockfile the npm cache was made from.
have_lock="sha256:$(sha256sum "$repo/package-lock.json" | cut -d' ' -f1)"
if [ "$have_lock" != "${want[package-lock]}" ]; then
  lock_node="$(node -p 'require(process.argv[1]).packages["node_modules/node"]?.version ?? "none"' "$repo/package-lock.json")"
  die "the bundle was made for package-lock.json ${want[package-lock]} (node ${want[node]}), this repository's is $have_lock (node $lock_node): make the bundle again from this commit in the connected zone (npm run bundle); nothing was installed"
fi

# 3. node_modules from the bundle's npm cache, in a scratch copy removed afterwards.
work="$(mktemp -d "${TMPDIR:-/tmp}/airgap-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tar -xf "$bundle/$npm_cache_file" -C "$work"
omit=(--omit=dev)
[ "${want[npm-set]}" = full ] && omit=()
# npm's PATH without any `pulumi`: @pulumi/kubernetes's install script would run `pulumi plugin install`.
npm_path=""
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -n "$dir" ] && [ ! -x "$dir/pulumi" ] && npm_path="${npm_path:+$npm_path:}$dir"
done
log "npm ci --offline ${omit[*]:-} (${want[npm-set]} set, Node ${want[node]} from the bundle)"
(cd "$repo" && PATH="$npm_path" npm_config_cache="$work" npm_config_offline=true npm_config_audit=false \
  npm_config_fund=false npm_config_update_notifier=false npm ci --offline --no-audit --no-fund "${omit[@]}") \
  || die "npm ci --offline from the bundle failed (above); nothing was downloaded"
[ -x "$repo/node_modules/.bin/node" ] || die "node_modules/.bin/node is missing after npm ci: the bundle's npm cache lacks the Node binary package"
step_done "node_modules installed, $("$repo/node_modules/.bin/node" --version)"

# 4. The toolchain: versions first (naming both), then where scripts/pulumi-env.sh looks.
"$repo/node_modules/.bin/ts-node" --transpile-only "$repo/supply/bastion.ts" check "$bundle" >/dev/null || exit 1
# shellcheck source=scripts/pulumi-env.sh
. "$repo/scripts/pulumi-env.sh" 2>/dev/null
mkdir -p "$work/toolchain"
tar -xzf "$bundle/$toolchain_file" -C "$work/toolchain"
plugin="resource-kubernetes-v${want[kubernetes]}"
if [ ! -x "$work/toolchain/bin/pulumi" ] || [ ! -x "$work/toolchain/plugins/$plugin/pulumi-resource-kubernetes" ]; then
  die "the toolchain archive lacks bin/pulumi or plugins/$plugin/pulumi-resource-kubernetes"
fi
mkdir -p "$AIRGAP_PULUMI_BIN" "$PULUMI_HOME"
cp -f "$work/toolchain/bin/"* "$AIRGAP_PULUMI_BIN/"
install -m 0755 "$bundle/$ocisupply_file" "$AIRGAP_PULUMI_BIN/ocisupply"
# From the file, never from the network (pulumi-env.sh keeps automatic plugin downloads off as well).
"$AIRGAP_PULUMI_BIN/pulumi" plugin install resource kubernetes "${want[kubernetes]}" \
  --file "$work/toolchain/plugins/$plugin/pulumi-resource-kubernetes" --reinstall >/dev/null
[ "$(pulumi version)" = "v${want[pulumi]}" ] || die "pulumi version says $(pulumi version), the bundle's manifest ${want[pulumi]}"
step_done "toolchain: pulumi ${want[pulumi]}, pulumi-language-nodejs ${want[pulumi-language-nodejs]} and ocisupply in $AIRGAP_PULUMI_BIN, kubernetes plugin ${want[kubernetes]} in $PULUMI_HOME"
log "installed in $(( $(date +%s) - t_start )) s; next: npm run bootstrap -- STACK"
