#!/usr/bin/env bash
# demo.sh: the whole job on a local API server (no Docker), the same steps as RUNBOOK.md.
# Expects bin/gitops-drift and bin/devcluster (make demo builds them) and the kube binaries.
set -euo pipefail
cd "$(dirname "$0")/.."

bins=${KUBE_BINS_DIR:?run through make demo}
export KUBECTL="$bins/kubectl"
work=$(mktemp -d)
export KUBECONFIG="$work/kubeconfig"
cluster_pid=""
cleanup() {
  if [ -n "$cluster_pid" ]; then kill -TERM "$cluster_pid" 2>/dev/null && wait "$cluster_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Start a local API server (kube-apiserver + etcd built from source)"
bin/devcluster --kubeconfig "$KUBECONFIG" >"$work/cluster.log" 2>&1 &
cluster_pid=$!
for _ in $(seq 1 120); do
  grep -q '^ready$' "$work/cluster.log" 2>/dev/null && break
  kill -0 "$cluster_pid" 2>/dev/null || { cat "$work/cluster.log"; exit 1; }
  sleep 0.5
done
grep -q '^ready$' "$work/cluster.log" || { echo "API server not ready after 60s"; cat "$work/cluster.log"; exit 1; }
run "$KUBECTL" version

step "Apply the desired state from Git"
run "$KUBECTL" apply -f examples/desired/namespace.yaml
run "$KUBECTL" apply -f examples/desired/

step "Check: the cluster matches Git"
run bin/gitops-drift --manifests examples/desired --namespace demo --once

step "Inject drift behind Git's back"
run examples/inject-drift.sh

step "Check again: the drift report"
run bin/gitops-drift --manifests examples/desired --namespace demo --once || true

step "CI gate: --fail-on-drift exits 1"
set +e
bin/gitops-drift --manifests examples/desired --namespace demo --once --fail-on-drift --output json >/dev/null
code=$?
set -e
echo "exit code: $code"
[ "$code" -eq 1 ] || { echo "expected exit code 1"; exit 1; }

step "Remediate: restore Git's state (redis is alert-only and stays as it is)"
run bin/gitops-drift --manifests examples/desired --namespace demo --once --remediate

step "The owner of redis restores it by hand"
run "$KUBECTL" -n demo set image deployment/redis redis=redis:7.2

step "Check: the cluster matches Git again"
run bin/gitops-drift --manifests examples/desired --namespace demo --once --fail-on-drift

step "Done: stopping the API server"
