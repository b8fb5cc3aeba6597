# The gitops-drift image (manifests/deployment.yaml): a static binary on distroless, run as
# the "nonroot" user (65532). Build: docker build -t ghcr.io/gitops-drift/gitops-drift:TAG .
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/gitops-drift ./cmd/gitops-drift

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gitops-drift /gitops-drift
USER 65532:65532
ENTRYPOINT ["/gitops-drift"]
