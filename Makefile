# gitops-drift. The two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

K8S_VERSION ?= v1.37.2
# Where `make kube-bins` puts kube-apiserver, etcd and kubectl (outside the checkout, reused).
KUBE_BINS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/gitops-drift/k8s-$(K8S_VERSION)
BIN ?= bin
GO_TEST_FLAGS ?= -count=1 -timeout 30m

export KUBEBUILDER_ASSETS := $(KUBE_BINS)
export KUBE_BINS_DIR := $(KUBE_BINS)
export K8S_VERSION

.PHONY: all build test test-short vet chart-docs kube-bins promtool goreleaser staticcheck release-snapshot image dev-cluster demo bench bench-smoke fuzz mutate clean

all: build

# What `gitops-drift version` prints, stamped at build time from the checkout. The date is the
# commit's (UTC), not the clock's, so that the same commit builds the same binary.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE ?= $(shell TZ=UTC0 git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
# How every gitops-drift binary is built, as the image and the release archives ship it
# (.goreleaser.yaml): static (no cgo, so no dynamic loader and no dynamic symbol tables, ~25 MB
# less resident memory), paths trimmed, no symbol table or DWARF. The benchmarks measure this.
GO_BUILD := CGO_ENABLED=0 go build -trimpath -ldflags '-s -w $(LDFLAGS)'

## build: the gitops-drift binary into ./bin as it ships, stamped with VERSION, COMMIT and DATE
build:
	$(GO_BUILD) -o $(BIN)/gitops-drift ./cmd/gitops-drift

## kube-bins: build kube-apiserver, etcd and kubectl from source once (prints their folder last)
kube-bins:
	@./hack/kube-bins.sh

## promtool: build promtool and promql-names from source once, for test/monitoring (prints their folder last)
promtool:
	@./hack/tools.sh promtool

## vet: gofmt, go vet, then staticcheck (built from source once, see hack/tools.sh), over each module
vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	go vet ./...
	cd test/chart && go vet ./...
	cd hack/image && go vet ./...
	@staticcheck="$$(./hack/tools.sh staticcheck | tail -n 1)/staticcheck"; \
	  for m in . test/chart hack/image; do \
	    echo "staticcheck ./... in $$m"; (cd $$m && "$$staticcheck" ./...); \
	  done

## test: every test, including the ones against a real API server, the kubectl e2e and the promtool checks of the alerts
test: kube-bins promtool vet
	go test $(GO_TEST_FLAGS) ./...
	cd test/chart && go test $(GO_TEST_FLAGS) ./...
	cd hack/image && go test $(GO_TEST_FLAGS) ./...

## test-short: the tests that need no API server
test-short:
	go test -short -count=1 ./...
	cd test/chart && go test -short -count=1 ./...
	cd hack/image && go test -short -count=1 ./...

## chart-docs: rewrite the values table of charts/gitops-drift/README.md from values.yaml's comments
chart-docs:
	cd test/chart && go run ./cmd/valuesdoc ../../charts/gitops-drift

## dev-cluster: run a local API server until Ctrl-C (kubeconfig in ./bin/dev.kubeconfig)
dev-cluster: kube-bins
	@mkdir -p $(BIN)
	go build -o $(BIN)/devcluster ./test/devcluster
	$(BIN)/devcluster --kubeconfig $(BIN)/dev.kubeconfig

## demo: the whole job end to end on a local API server (see RUNBOOK.md)
demo: kube-bins build
	go build -o $(BIN)/devcluster ./test/devcluster
	./hack/demo.sh

## bench: run every benchmark and rewrite BENCHMARKS.md (about 45 minutes on 2 cores; run it alone on the machine)
bench: kube-bins
	./hack/bench.sh

## bench-smoke: the macro benchmark at N = 50 in under a minute, printing its tables (part of make test)
bench-smoke: kube-bins
	go test -count=1 -run '^TestSmoke$$' -v ./test/macrobench

## fuzz: a short run of every fuzzer
fuzz:
	go test -run XXX -fuzz FuzzParsePath -fuzztime 20s ./pkg/diff
	go test -run XXX -fuzz FuzzCompare -fuzztime 20s ./pkg/diff
	go test -run XXX -fuzz FuzzLoad -fuzztime 20s ./pkg/manifest
	go test -run XXX -fuzz FuzzDecodeObject -fuzztime 20s ./webhook

## mutate: mutation testing of the pure packages against their -short tests, rewriting TESTING.md's tables (not part of make test; run it alone on the machine; MUTATE_PKGS="pkg/policy pkg/report" limits it, MUTATE_FLAGS="-workers 1" tunes it)
mutate:
	go run ./hack/mutate $(MUTATE_FLAGS) $(MUTATE_PKGS)

clean:
	rm -rf $(BIN) dist

## staticcheck: build staticcheck from source once, for make vet (prints its folder last)
staticcheck:
	@./hack/tools.sh staticcheck

## goreleaser: build GoReleaser from source once (prints its folder last)
goreleaser:
	@./hack/tools.sh goreleaser

# The repository GoReleaser is told about in a clone without a remote (CI's): without one, a
# snapshot falls back to commit "none" and stamps it into the binaries.
RELEASE_GIT_URL ?= https://github.com/gitops-drift/gitops-drift.git

## release-snapshot: goreleaser release --snapshot --clean, offline: archives, checksums, SBOMs and the krew manifest in ./dist
release-snapshot:
	@if [ -z "$$(git remote)" ]; then \
	  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0='$(RELEASE_GIT_URL)'; \
	fi; \
	PATH="$$(./hack/tools.sh cyclonedx-gomod):$$PATH" "$$(./hack/tools.sh goreleaser)/goreleaser" release --snapshot --clean

# The image's platforms, name and base (an OCI image layout folder or a registry reference;
# empty: none, the binary on an empty base).
IMAGE_PLATFORMS ?= linux/amd64 linux/arm64
IMAGE_REPOSITORY ?= ghcr.io/gitops-drift/gitops-drift
IMAGE_BASE ?=

## image: the container image without a Docker daemon: an OCI image layout of IMAGE_PLATFORMS in bin/image/oci and, for docker load, bin/image/gitops-drift.tar (linux/amd64)
image:
	@for p in $(IMAGE_PLATFORMS); do \
	  echo "go build $$p"; \
	  GOOS=$${p%%/*} GOARCH=$${p#*/} $(GO_BUILD) \
	    -o $(BIN)/image/$${p//\//-}/gitops-drift ./cmd/gitops-drift; \
	done
	cd hack/image && go run . --version '$(VERSION)' --revision '$(COMMIT)' --created '$(DATE)' \
	  --repository '$(IMAGE_REPOSITORY)' --base '$(IMAGE_BASE)' --layout $(CURDIR)/$(BIN)/image/oci \
	  $(if $(filter linux/amd64,$(IMAGE_PLATFORMS)),--tarball $(CURDIR)/$(BIN)/image/gitops-drift.tar) \
	  $(foreach p,$(IMAGE_PLATFORMS),--binary $(p)=$(CURDIR)/$(BIN)/image/$(subst /,-,$(p))/gitops-drift)
