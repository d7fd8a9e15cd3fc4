#!/usr/bin/env bash
# Builds (or finds cached) the local control plane used by the e2e tests: the lines of
# tools/cluster/pins.txt (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok,
# kwokctl), each through scripts/build-go-tool.sh (cache by version, one build at a time, tracked files never
# edited), and installs the Debian packages the e2e steps need (openssh-server for the node-1 stand-in,
# docker-registry). Binaries: ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/cluster/<name>-<version>/bin;
# a manifest (cluster/manifest.json) tells test/e2e/harness/cluster.ts where they are.
#
# Usage: scripts/setup-cluster.sh [--no-apt]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GT_REPO="$REPO"
# shellcheck source=scripts/lib/go-tool.sh
. "$REPO/scripts/lib/go-tool.sh"
APT_PACKAGES=(openssh-client openssh-server docker-registry)
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl)
CACHE="$AIRGAP_CACHE/cluster"
DO_APT=1
for a in "$@"; do
  case $a in
    --no-apt) DO_APT=0 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "[cluster] unknown argument: $a" >&2; exit 2 ;;
  esac
done
export PATH=/usr/local/go/bin:$PATH
log() { echo "[cluster] $*"; }
fail() { echo "[cluster] $*" >&2; exit 1; }
mkdir -p "$CACHE/logs"

# ---- apt packages ------------------------------------------------------------
if [ $DO_APT = 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = 'install ok installed' ] || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt packages ${APT_PACKAGES[*]} ... ok (installed)"
  else
    log "apt-get install ${missing[*]} ..."
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$CACHE/logs/apt.log" 2>&1; then
      tail -n 30 "$CACHE/logs/apt.log" >&2; fail "FAILED: apt-get install ${missing[*]} (log: $CACHE/logs/apt.log)"
    fi
    log "apt-get install ${missing[*]} ... ok"
  fi
fi

# ---- Go builds -----------------------------------------------------------------
declare -A BIN VERSION
for b in "${BINARIES[@]}"; do
  gt_pin "$b" || exit 2
  VERSION[$b]="$GT_VERSION"
  BIN[$b]="$(bash "$REPO/scripts/build-go-tool.sh" "$b")" || fail "FAILED: $b ${VERSION[$b]} (see above)"
  log "$b ${VERSION[$b]} ... ok: ${BIN[$b]}"
done

# ---- verify the stamps and write the manifest ---------------------------------------
# Capture first: `cmd | grep -q` under pipefail fails when grep exits early and cmd gets SIGPIPE.
reported=$("${BIN[kube-apiserver]}" --version)
grep -qx "Kubernetes ${VERSION[kube-apiserver]}" <<<"$reported" || fail "kube-apiserver --version is not 'Kubernetes ${VERSION[kube-apiserver]}'"
reported=$("${BIN[etcd]}" --version)
grep -q "etcd Version: ${VERSION[etcd]#v}" <<<"$reported" || fail "etcd --version does not report ${VERSION[etcd]#v}"
reported=$("${BIN[kwokctl]}" --version)
grep -q "${VERSION[kwokctl]#v}" <<<"$reported" || fail "kwokctl --version does not report ${VERSION[kwokctl]#v}"
log "versions ... ok"

manifest=("${VERSION[kube-apiserver]}" "${VERSION[etcd]}" "${VERSION[kwok]}")
for b in "${BINARIES[@]}"; do manifest+=("$b" "${BIN[$b]}"); done
"$GT_NODE" -e '
  const [kubeVersion, etcdVersion, kwokVersion, ...bins] = process.argv.slice(1);
  const binaries = {};
  for (let i = 0; i < bins.length; i += 2) binaries[bins[i]] = bins[i + 1];
  process.stdout.write(JSON.stringify({ kubeVersion, etcdVersion, kwokVersion, binaries }, null, 2) + "\n");' \
  "${manifest[@]}" >"$CACHE/manifest.json.tmp"
mv -f "$CACHE/manifest.json.tmp" "$CACHE/manifest.json"
log "done: $CACHE/manifest.json"
