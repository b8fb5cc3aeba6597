#!/usr/bin/env bash
# bench.sh runs the Go benchmarks and rewrites BENCHMARKS.md with the median of COUNT runs of
# each, the machine, and the exact command. Usage: hack/bench.sh [COUNT]   (make bench)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5}
pkgs=(./pkg/diff ./pkg/manifest ./pkg/schema ./pkg/source)
for extra in ./webhook ./auditor; do
  [ -d "$extra" ] && pkgs+=("$extra")
done
cmd="go test -run '^\$' -bench . -benchmem -count $count ${pkgs[*]}"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
echo "running: $cmd" >&2
eval "$cmd" | tee "$raw" >&2

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (hack/bench.sh) on $(date -u +%Y-%m-%d); do not edit by hand."
  echo
  echo "- Machine: $(nproc) cores, $(awk '/model name/{$1=$2=$3="";print;exit}' /proc/cpuinfo | sed 's/^ *//'), $(go version | awk '{print $3}')"
  echo "- Command: \`$cmd\`"
  echo "- Each row is the median of $count runs."
  echo
  echo "| package | benchmark | ns/op | B/op | allocs/op |"
  echo "|---|---|---:|---:|---:|"
  awk '
    /^pkg: / { pkg = $2; sub(/.*gitops-drift\//, "", pkg) }
    /^Benchmark/ {
      name = $1; sub(/-[0-9]+$/, "", name)
      key = pkg "|" name
      if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
      ns[key, ++cnt[key]] = $3
      for (i = 4; i <= NF; i++) {
        if ($(i+1) == "B/op") bytes[key, cnt[key]] = $i
        if ($(i+1) == "allocs/op") allocs[key, cnt[key]] = $i
      }
    }
    function median(arr, key, c,    i, j, t, v) {
      for (i = 1; i <= c; i++) v[i] = arr[key, i] + 0
      for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return v[int((c + 1) / 2)]
    }
    END {
      for (k = 1; k <= n; k++) {
        key = order[k]; split(key, p, "|")
        printf "| %s | %s | %.0f | %.0f | %.0f |\n", p[1], p[2], median(ns, key, cnt[key]), median(bytes, key, cnt[key]), median(allocs, key, cnt[key])
      }
    }' "$raw"
  if [ -f hack/benchmarks-notes.md ]; then
    echo
    cat hack/benchmarks-notes.md
  fi
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
