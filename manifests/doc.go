// Package manifests holds the in-cluster install of gitops-drift, applied with
// `kubectl apply -k manifests/`. It has no Go code: its tests decode every YAML file into typed
// objects (client-go's for built-in kinds, cert-manager's for Issuer and Certificate) and check
// that the objects agree with each other, with the flags of `gitops-drift serve`, and with the
// API calls the code makes. The git component (manifests/git) swaps the desired-state
// ConfigMap for a Git repository; its tests render the install with it turned on.
package manifests
