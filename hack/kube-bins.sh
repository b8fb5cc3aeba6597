#!/usr/bin/env bash
# kube-bins.sh builds kube-apiserver, etcd and kubectl from source (through the Go module proxy,
# pinned by test/kubebin/go.mod) into a cache folder outside the checkout, once. It prints the
# folder's absolute path as its last line; a second run only prints the path.
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.37.2}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${KUBE_BINS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gitops-drift/k8s-${K8S_VERSION}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

major=${K8S_VERSION#v}; major=${major%%.*}
minor=${K8S_VERSION#v*.}; minor=${minor%%.*}
ldflags="-s -w \
 -X k8s.io/component-base/version.gitVersion=${K8S_VERSION} \
 -X k8s.io/component-base/version.gitMajor=${major} \
 -X k8s.io/component-base/version.gitMinor=${minor} \
 -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=${K8S_VERSION} \
 -X k8s.io/client-go/pkg/version.gitMajor=${major} \
 -X k8s.io/client-go/pkg/version.gitMinor=${minor}"

build() { # name package
  local name=$1 pkg=$2
  if [ -x "$dir/$name" ]; then
    echo "kube-bins: $name present" >&2
    return
  fi
  echo "kube-bins: building $name from $pkg (this takes a few minutes the first time)" >&2
  local start=$SECONDS
  (cd "$root/test/kubebin" && go build -trimpath -ldflags "$ldflags" -o "$dir/$name.tmp" "$pkg")
  mv "$dir/$name.tmp" "$dir/$name"
  echo "kube-bins: built $name in $((SECONDS - start))s" >&2
}

build etcd go.etcd.io/etcd/server/v3
build kubectl k8s.io/kubernetes/cmd/kubectl
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
echo "$dir"
