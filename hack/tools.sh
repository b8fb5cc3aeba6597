#!/usr/bin/env bash
# tools.sh NAME builds a pinned development tool from source (through the Go module proxy,
# pinned by hack/tools/NAME/go.mod) into a cache folder outside the checkout, once, like
# kube-bins.sh. It prints the folder's absolute path as its last line; a second run only
# prints the path. The folder is named after the tool's version, so a new pin builds anew.
#
#   promtool    promtool and promql-names (hack/tools/promtool): rule checks and PromQL parsing
#               for charts/gitops-drift/files (test/monitoring)
#   goreleaser  goreleaser (hack/tools/goreleaser): make release-snapshot
#   cyclonedx-gomod  the SBOM generator GoReleaser runs on each binary (hack/tools/cyclonedx-gomod)
#   staticcheck the linter 'make vet' runs after go vet (hack/tools/staticcheck)
set -euo pipefail

name=${1:?usage: tools.sh promtool|goreleaser|cyclonedx-gomod|staticcheck}
root=$(cd "$(dirname "$0")/.." && pwd)
mod=$root/hack/tools/$name
case $name in
promtool)
  module=github.com/prometheus/prometheus
  pkgs=(github.com/prometheus/prometheus/cmd/promtool ./promql-names)
  # Without the service discoveries (AWS, Azure, GCE, ...): the rule checks need none, and
  # they are most of a cold build.
  tags=remove_all_sd
  ;;
goreleaser)
  module=github.com/goreleaser/goreleaser/v2
  pkgs=(github.com/goreleaser/goreleaser/v2)
  tags=
  ;;
cyclonedx-gomod)
  module=github.com/CycloneDX/cyclonedx-gomod
  pkgs=(github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod)
  tags=
  ;;
staticcheck)
  module=honnef.co/go/tools
  pkgs=(honnef.co/go/tools/cmd/staticcheck)
  tags=
  ;;
*)
  echo "tools.sh: unknown tool $name" >&2
  exit 2
  ;;
esac

version=$(cd "$mod" && go list -m -f '{{.Version}}' "$module")
# staticcheck reads code with the go/types of the Go that built it, which refuses code newer
# than itself: a new Go builds it anew.
[ "$name" = staticcheck ] && version=$version-$(go env GOVERSION)
dir=${XDG_CACHE_HOME:-$HOME/.cache}/gitops-drift/$name-$version
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

for pkg in "${pkgs[@]}"; do
  bin=$(basename "$pkg")
  [ "$bin" = v2 ] && bin=goreleaser
  if [ -x "$dir/$bin" ]; then
    echo "tools: $bin present" >&2
    continue
  fi
  echo "tools: building $bin $version from $pkg (a few minutes the first time)" >&2
  start=$SECONDS
  (cd "$mod" && CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "-s -w" -o "$dir/$bin.tmp" "$pkg")
  mv "$dir/$bin.tmp" "$dir/$bin"
  echo "tools: built $bin in $((SECONDS - start))s" >&2
done
echo "$dir"
