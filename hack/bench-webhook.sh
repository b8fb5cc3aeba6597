#!/usr/bin/env bash
# Benchmarks of the admission webhook, for BENCHMARKS.md:
#  1. the handler alone on a Deployment UPDATE (Go benchmark: ns/op, p50/p99, allocs);
#  2. the admission overhead through a real API server: 1,000 client-go patches of a tracked
#     Deployment without and with the webhook registered (p50/p99 of each, and the difference).
# Needs the kube binaries (`make kube-bins`). GITOPS_DRIFT_BENCH_N changes the number of patches.
set -euo pipefail
cd "$(dirname "$0")/.."
export KUBEBUILDER_ASSETS="${KUBEBUILDER_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/gitops-drift/k8s-v1.37.2}"

go test -run '^$' -bench 'BenchmarkHandle' -benchtime 3s -count 1 ./webhook | grep -E '^(Benchmark|cpu)'
GITOPS_DRIFT_BENCH=1 go test -count 1 -run '^TestAdmissionOverhead$' ./test/e2e -v | grep -E '^(overhead|--- |FAIL|ok)'
