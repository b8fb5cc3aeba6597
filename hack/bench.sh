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

overhead=$(mktemp)
trap 'rm -f "$raw" "$overhead"' EXIT
overhead_cmd="GITOPS_DRIFT_BENCH=1 go test -count 1 -run '^TestAdmissionOverhead\$' -v ./test/e2e"
if [ "${BENCH_ADMISSION:-1}" = 1 ]; then
  echo "running: $overhead_cmd" >&2
  eval "$overhead_cmd" | grep -E '^overhead' | sed 's/^overhead //' > "$overhead" || true
fi

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (hack/bench.sh) on $(date -u +%Y-%m-%d); do not edit by hand."
  echo
  echo "- Machine: $(nproc) cores, $(awk '/model name/{$1=$2=$3="";print;exit}' /proc/cpuinfo | sed 's/^ *//'), $(go version | awk '{print $3}')"
  echo "- Command: \`$cmd\`"
  echo "- Each row is the median of $count runs."
  echo
  echo "| package | benchmark | ns/op | B/op | allocs/op | other |"
  echo "|---|---|---:|---:|---:|---|"
  awk '
    /^pkg: / { pkg = $2; sub(/.*gitops-drift\//, "", pkg) }
    /^Benchmark/ {
      name = $1; sub(/-[0-9]+$/, "", name)
      key = pkg "|" name
      if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
      ns[key, ++cnt[key]] = $3
      for (i = 5; i < NF; i += 2) {
        unit = $(i+1)
        if (unit == "B/op") bytes[key, cnt[key]] = $i
        else if (unit == "allocs/op") allocs[key, cnt[key]] = $i
        else {
          if (!((key, unit) in seenUnit)) { seenUnit[key, unit] = 1; units[key] = units[key] " " unit }
          extra[key, unit, cnt[key]] = $i
        }
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
        other = ""
        nu = split(units[key], us, " ")
        for (u = 1; u <= nu; u++) {
          for (r = 1; r <= cnt[key]; r++) tmp[key, r] = extra[key, us[u], r]
          other = other sprintf("%s%s %.0f", (other == "" ? "" : ", "), us[u], median(tmp, key, cnt[key]))
        }
        printf "| %s | %s | %.0f | %.0f | %.0f | %s |\n", p[1], p[2], median(ns, key, cnt[key]), median(bytes, key, cnt[key]), median(allocs, key, cnt[key]), other
      }
    }' "$raw"
  if [ -s "$overhead" ]; then
    echo
    echo "## Admission overhead through a real API server"
    echo
    echo "Command: \`$overhead_cmd\` (1,000 client-go patches of a tracked Deployment each way;"
    echo "the difference is what the webhook adds: TLS call, decode, diff, answer)."
    echo
    echo '```'
    cat "$overhead"
    echo '```'
  fi
  if [ -f hack/benchmarks-notes.md ]; then
    echo
    cat hack/benchmarks-notes.md
  fi
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
