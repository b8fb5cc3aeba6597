#!/usr/bin/env bash
# bench.sh runs every benchmark and rewrites BENCHMARKS.md (make bench). Run it alone on the
# machine: it measures time.
#
#   1. the Go micro-benchmarks, COUNT runs each (median reported);
#   2. the admission overhead test (test/e2e TestAdmissionOverhead): no webhook, a do-nothing
#      webhook and gitops-drift, in rotating turns, once per BENCH_ADMISSION_RUNS entry;
#   3. the macro benchmark (test/macrobench): gitops-drift against kubectl diff at N = 1,000
#      and 10,000 on a real API server, the auditor at 10,000 (real server) and 100,000
#      (informers fed from memory), and 1,000 admission requests/s for 60s with the webhook.
#
# Usage: hack/bench.sh [COUNT]
# Environment: BENCH_ADMISSION=0 skips 2, BENCH_MACRO=0 skips 3, MACROBENCH_FLAGS adds flags
# to 3 (see go run ./test/macrobench --help), e.g. MACROBENCH_FLAGS="--sizes 1000 --rate 0".
# BENCH_ADMISSION_RUNS lists 2's runs as WORKERS:PATCHES (default "1:1000 16:4000": one
# patch at a time, then 16 at once, near the highest rate the local API server sustains).
set -euo pipefail
cd "$(dirname "$0")/.."
# Every binary measured is built as the image and the release archives ship it: static, no cgo
# (the test binaries of 1 and the auditor's memory runs of 3 too, for their resident memory).
export CGO_ENABLED=0
count=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$(date -u +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

pkgs=(./pkg/diff ./pkg/manifest ./pkg/schema ./pkg/source)
for extra in ./webhook ./auditor; do
  [ -d "$extra" ] && pkgs+=("$extra")
done
micro_cmd="go test -run '^\$' -bench . -benchmem -count $count ${pkgs[*]}"
echo "running: $micro_cmd" >&2
eval "$micro_cmd" | tee "$work/micro" >&2

overhead_cmd="GITOPS_DRIFT_BENCH=1 go test -count 1 -run '^TestAdmissionOverhead\$' -v ./test/e2e"
admission_runs=${BENCH_ADMISSION_RUNS:-1:1000 16:4000}
if [ "${BENCH_ADMISSION:-1}" = 1 ]; then
  for run in $admission_runs; do
    cmd="GITOPS_DRIFT_BENCH_CONCURRENCY=${run%%:*} GITOPS_DRIFT_BENCH_N=${run#*:} $overhead_cmd"
    echo "running: $cmd" >&2
    eval "$cmd" | grep -E '^overhead' | sed 's/^overhead //' >> "$work/overhead.all" || true
  done
  if [ -s "$work/overhead.all" ]; then
    awk '!seen[$0]++' "$work/overhead.all" > "$work/overhead" # each run prints the header line
  fi
fi

macro_cmd="go run ./test/macrobench --binary bin/gitops-drift ${MACROBENCH_FLAGS:-}"
if [ "${BENCH_MACRO:-1}" = 1 ]; then
  make --no-print-directory build BIN=bin
  echo "running: $macro_cmd" >&2
  eval "$macro_cmd --out $work/macro"
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
took=$(( $(date -u +%s) - started ))

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (hack/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit by hand."
  echo
  echo "- Machine: $(nproc) cores, $(awk '/model name/{$1=$2=$3="";print;exit}' /proc/cpuinfo | sed 's/^ *//'),"
  echo "  $(awk '/MemTotal/{printf "%.0f GB", $2/1e6}' /proc/meminfo) RAM, $(uname -sr), $(go version | awk '{print $3}'),"
  echo "  kube-apiserver, etcd and kubectl ${K8S_VERSION:-v1.37.2} as \`make kube-bins\` builds them"
  echo "- Load average (1, 5, 15 min) when the run started: $load_start; when it ended: $load_end"
  echo "- Whole run: $((took / 60)) min $((took % 60)) s"
  if [ "$count" != 5 ] || [ -n "${MACROBENCH_FLAGS:-}" ] || [ "${BENCH_ADMISSION:-1}" != 1 ] || [ "${BENCH_MACRO:-1}" != 1 ] || [ "$admission_runs" != "1:1000 16:4000" ]; then
    echo
    echo "**Not \`make bench\`'s default settings** (COUNT=$count, BENCH_ADMISSION=${BENCH_ADMISSION:-1}, BENCH_MACRO=${BENCH_MACRO:-1},"
    echo "MACROBENCH_FLAGS=\"${MACROBENCH_FLAGS:-}\", BENCH_ADMISSION_RUNS=\"$admission_runs\"): the defaults are 5 runs of each"
    echo "micro-benchmark, the admission overhead test with 1 and 16 workers (\"1:1000 16:4000\"),"
    echo "N = 1,000 and 10,000 against kubectl diff with 5 and 2 timed rounds, the auditor at 10,000 and"
    echo "100,000, and 1,000 admission requests/s for 60 s; compare the sizes and rounds in the tables below."
  fi
  echo
  echo "## Micro-benchmarks"
  echo
  echo "Command: \`$micro_cmd\`. Each row is the median of $count runs."
  echo
  echo "| package | benchmark | ns/op | B/op | allocs/op | other |"
  echo "|---|---|---:|---:|---:|---|"
  hack/benchtable.awk "$work/micro"
  if [ -s "$work/overhead" ]; then
    echo
    echo "## Admission overhead through a real API server"
    echo
    echo "Command: \`GITOPS_DRIFT_BENCH_CONCURRENCY=WORKERS GITOPS_DRIFT_BENCH_N=PATCHES $overhead_cmd\`, once"
    echo "for each WORKERS:PATCHES of \`$admission_runs\`. WORKERS goroutines patch a tracked Deployment each,"
    echo "with client-go, in three arms: no webhook (\`none\`); a controller-runtime webhook that allows"
    echo "everything, in a process of its own, with serve's certificate, TLS settings and registration"
    echo "(\`do-nothing\`: the floor any webhook pays); and \`gitops-drift serve --no-audit\`. One webhook is"
    echo "registered at a time, and awaited until the API server calls it; the arms take turns over 6 rounds,"
    echo "each round starting with the next arm. \`n\` is the patches of each kind each arm made. \`any webhook\`"
    echo "is do-nothing - none (TLS call, controller-runtime's decode and answer, the API server's side);"
    echo "\`gitops-drift adds\` is gitops-drift - do-nothing, and \`share\` that as a part of \`any webhook\`:"
    echo "the target is under 20%, at p50 and p99, at the highest rate the local API server sustains (the"
    echo "16-worker rows; \`rate\` is each arm's patches a second). \`share\` is n/a when \`any webhook\` is at or"
    echo "below zero (noise), and <=0% when gitops-drift adds nothing."
    echo
    echo '```'
    cat "$work/overhead"
    echo '```'
  fi
  if [ -s "$work/macro" ]; then
    echo
    echo "Command of the sections below: \`$macro_cmd\` (after \`make build\`: the binary as it ships, static: CGO_ENABLED=0, -trimpath, -ldflags '-s -w')."
    echo
    cat "$work/macro"
  fi
  if [ -f hack/benchmarks-notes.md ]; then
    echo
    cat hack/benchmarks-notes.md
  fi
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
