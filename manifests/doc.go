// Package manifests holds the in-cluster install of gitops-drift, applied with
// `kubectl apply -k manifests/`, and its opt-in parts, kustomize Components in the directories
// git, remediation, policy-reports and secrets, each adding serve's flags and the permissions
// they use together. It has no Go code: its tests decode every YAML file into typed objects
// (client-go's for built-in kinds, cert-manager's for Issuer and Certificate), render every
// combination of the parts as `kubectl apply -k` does, and check that the objects agree with
// each other, with the flags of `gitops-drift serve`, and with the API calls the code makes:
// the RBAC bound is exactly what serve calls with the Deployment's args, on a real API server.
// The Helm chart charts/gitops-drift renders the same objects (test/chart compares them).
package manifests
