#!/usr/bin/awk -f
# benchtable.awk turns `go test -bench -count N` output into Markdown table rows: per
# benchmark, the median of each value over the N runs (hack/bench.sh).
/^pkg: / { pkg = $2; sub(/.*gitops-drift\//, "", pkg) }
# A result line has the iterations second; a line that a log message cut in two does not.
/^Benchmark/ && $2 ~ /^[0-9]+$/ {
  name = $1; sub(/-[0-9]+$/, "", name)
  key = pkg "|" name
  if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
  ns[key, ++cnt[key]] = $3
  for (i = 5; i < NF; i += 2) {
    unit = $(i+1)
    if (unit == "B/op") bytes[key, cnt[key]] = $i
    else if (unit == "allocs/op") allocs[key, cnt[key]] = $i
    else if (unit == "MB/s") continue
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
}
