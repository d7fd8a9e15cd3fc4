#!/usr/bin/env bash
# Builds the local control plane used by the e2e tests (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, kwok, kwokctl) from the Go
# module proxy, and installs the Debian packages the e2e steps need
# (openssh-server for the node-1 stand-in, docker-registry).
#
# Binaries are cached under ${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}/cluster/<name>-<version>/bin
# and rebuilt only when missing or when the version / tools module / Go toolchain changed.
# A manifest (cluster/manifest.json) tells test/e2e/harness/cluster.ts where they are.
#
# Usage: scripts/setup-cluster.sh [--no-apt]
set -euo pipefail

# ---- pinned versions -------------------------------------------------------
K8S_VERSION=v1.36.1
K8S_BUILD_DATE=2026-01-01T00:00:00Z                    # fixed, so rebuilds are reproducible
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
APT_PACKAGES=(openssh-client openssh-server docker-registry)
# -----------------------------------------------------------------------------

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_ROOT=${AIRGAP_CACHE:-$HOME/.cache/airgap-platform}
CACHE=$CACHE_ROOT/cluster
LOGDIR=$CACHE/logs
DO_APT=1
for a in "$@"; do
  case $a in
    --no-apt) DO_APT=0 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "[cluster] unknown argument: $a" >&2; exit 2 ;;
  esac
done

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
export PATH=/usr/local/go/bin:$PATH

STEP=init
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "[cluster] FAILED at step: $STEP (exit $rc)" >&2; fi' EXIT

log() { echo "[cluster] $*"; }
mkdir -p "$CACHE" "$LOGDIR"

STEP="check go toolchain"
command -v go >/dev/null || { echo "[cluster] go not found (expected /usr/local/go/bin/go)" >&2; exit 1; }
GO_VERSION=$(go env GOVERSION)

sha() { sha256sum | cut -c1-16; }

# build NAME VERSION MODDIR PKG LDFLAGS [TAGS]
# Builds PKG from the tools module MODDIR into $CACHE/NAME-VERSION/bin/NAME,
# unless a build with the same fingerprint is already there.
build() {
  local name=$1 version=$2 moddir=$3 pkg=$4 ldflags=$5 tags=${6:-}
  local dir=$CACHE/$name-$version/bin out
  out=$dir/$name
  STEP="build $name $version"
  local fp
  fp=$( { echo "$name $version $pkg $ldflags $tags $GO_VERSION"; cat "$ROOT/$moddir/go.mod" "$ROOT/$moddir/go.sum"; } | sha)
  if [ -x "$out" ] && [ "$(cat "$dir/.fingerprint" 2>/dev/null)" = "$fp" ]; then
    log "building $name $version ... ok (cached)"
    return 0
  fi
  log "building $name $version ... (log: $LOGDIR/$name.log)"
  mkdir -p "$dir"
  local t0=$SECONDS
  if ! (cd "$ROOT/$moddir" && go build -trimpath ${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$out.tmp" "$pkg") >"$LOGDIR/$name.log" 2>&1; then
    tail -n 30 "$LOGDIR/$name.log" >&2
    rm -f "$out.tmp"
    exit 1
  fi
  mv -f "$out.tmp" "$out"
  echo "$fp" >"$dir/.fingerprint"
  log "building $name $version ... ok ($((SECONDS - t0))s, $(du -m "$out" | cut -f1) MB)"
}

# sync_module MODDIR MODULE VERSION: make the tools module require MODULE@VERSION.
# Normally a no-op; after a version bump in this script it rewrites tools/<x>/go.mod and go.sum
# (commit them). k8s.io/kubernetes also gets one replace per staging module (its own go.mod
# replaces them with ./staging/... paths, which do not exist outside its repo).
sync_module() {
  local moddir=$1 module=$2 version=$3
  STEP="sync $moddir to $module $version"
  local got
  got=$(cd "$ROOT/$moddir" && go list -m -f '{{.Version}}' "$module")
  [ "$got" = "$version" ] && return 0
  log "updating $moddir: $module $got -> $version ..."
  (
    cd "$ROOT/$moddir"
    if [ "$module" = k8s.io/kubernetes ]; then
      local gomod staging
      gomod=$(go mod download -json "$module@$version" | sed -n 's/.*"GoMod": "\(.*\)",*$/\1/p')
      go mod edit -require="$module@$version"
      for staging in $(go mod edit -json "$gomod" | grep -o '"\./staging/src/k8s.io/[^"]*"' | sed 's|"\./staging/src/||; s|"$||'); do
        go mod edit -replace="$staging=$staging@v0.${version#v1.}"
      done
      grep -q '^godebug' "$gomod" && go mod edit -godebug="$(sed -n 's/^godebug \(.*\)$/\1/p' "$gomod" | head -1)"
    else
      go get "$module@$version"
    fi
    go mod tidy
  ) >"$LOGDIR/sync-${moddir##*/}.log" 2>&1 || { tail -n 30 "$LOGDIR/sync-${moddir##*/}.log" >&2; exit 1; }
  got=$(cd "$ROOT/$moddir" && go list -m -f '{{.Version}}' "$module")
  [ "$got" = "$version" ] || { echo "[cluster] $moddir still requires $module $got" >&2; exit 1; }
  log "updating $moddir ... ok (commit $moddir/go.mod and go.sum)"
}

# ---- apt packages ------------------------------------------------------------
if [ $DO_APT = 1 ]; then
  STEP="apt-get install ${APT_PACKAGES[*]}"
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
    if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$LOGDIR/apt.log" 2>&1; then
      tail -n 30 "$LOGDIR/apt.log" >&2; exit 1
    fi
    log "apt-get install ${missing[*]} ... ok"
  fi
fi

# ---- Go builds -----------------------------------------------------------------
sync_module tools/etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
sync_module tools/kube k8s.io/kubernetes "$K8S_VERSION"
sync_module tools/kwok sigs.k8s.io/kwok "$KWOK_VERSION"

STEP="resolve the commit of k8s.io/kubernetes $K8S_VERSION"
K8S_COMMIT=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"Hash": "\([0-9a-f]\{40\}\)".*/\1/p' | head -1)
# gitCommit is informational only (kwokctl parses gitVersion); the proxy's .info has no Origin for every tag
[ -n "$K8S_COMMIT" ] || log "note: the module proxy gives no commit for k8s.io/kubernetes@$K8S_VERSION; gitCommit stays empty"

build etcd "$ETCD_VERSION" tools/etcd go.etcd.io/etcd/server/v3 \
  "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION"

kv=${K8S_VERSION#v}
K8S_LDFLAGS="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  K8S_LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=${kv%%.*}"
  K8S_LDFLAGS+=" -X $p.gitMinor=$(echo "$kv" | cut -d. -f2) -X $p.gitCommit=$K8S_COMMIT"
  K8S_LDFLAGS+=" -X $p.gitTreeState=clean -X $p.buildDate=$K8S_BUILD_DATE"
done
K8S_TAGS=selinux,notest,grpcnotrace
# kubectl is needed too: kwokctl uses it to check that the cluster is served
K8S_BINS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
for b in "${K8S_BINS[@]}"; do
  build "$b" "$K8S_VERSION" tools/kube "k8s.io/kubernetes/cmd/$b" "$K8S_LDFLAGS" "$K8S_TAGS"
done

KWOK_LDFLAGS="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$kv -X sigs.k8s.io/kwok/pkg/consts.PreRelease=GA"
build kwok "$KWOK_VERSION" tools/kwok sigs.k8s.io/kwok/cmd/kwok "$KWOK_LDFLAGS"
build kwokctl "$KWOK_VERSION" tools/kwok sigs.k8s.io/kwok/cmd/kwokctl "$KWOK_LDFLAGS"

# ---- verify the stamps and write the manifest ---------------------------------------
STEP="verify versions"
bin() { echo "$CACHE/$1-$2/bin/$1"; }
# Capture first: `cmd | grep -q` under pipefail fails when grep exits early and cmd gets SIGPIPE.
reported=$("$(bin kube-apiserver "$K8S_VERSION")" --version)
grep -qx "Kubernetes $K8S_VERSION" <<<"$reported" \
  || { echo "[cluster] kube-apiserver --version is not 'Kubernetes $K8S_VERSION'" >&2; exit 1; }
reported=$("$(bin etcd "$ETCD_VERSION")" --version)
grep -q "etcd Version: ${ETCD_VERSION#v}" <<<"$reported" \
  || { echo "[cluster] etcd --version does not report ${ETCD_VERSION#v}" >&2; exit 1; }
reported=$("$(bin kwokctl "$KWOK_VERSION")" --version)
grep -q "${KWOK_VERSION#v}" <<<"$reported" \
  || { echo "[cluster] kwokctl --version does not report ${KWOK_VERSION#v}" >&2; exit 1; }
log "versions ... ok"

STEP="write manifest"
cat >"$CACHE/manifest.json.tmp" <<EOF
{
  "kubeVersion": "$K8S_VERSION",
  "etcdVersion": "$ETCD_VERSION",
  "kwokVersion": "$KWOK_VERSION",
  "binaries": {
    "etcd": "$(bin etcd "$ETCD_VERSION")",
    "kube-apiserver": "$(bin kube-apiserver "$K8S_VERSION")",
    "kube-controller-manager": "$(bin kube-controller-manager "$K8S_VERSION")",
    "kube-scheduler": "$(bin kube-scheduler "$K8S_VERSION")",
    "kubectl": "$(bin kubectl "$K8S_VERSION")",
    "kwok": "$(bin kwok "$KWOK_VERSION")",
    "kwokctl": "$(bin kwokctl "$KWOK_VERSION")"
  }
}
EOF
mv -f "$CACHE/manifest.json.tmp" "$CACHE/manifest.json"
STEP=done
log "done: $CACHE/manifest.json"
