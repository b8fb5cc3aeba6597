// Package source tells where the desired state comes from and reads it: a local directory
// (usually a Git checkout, identified by Revision), or a remote Git repository followed by Git
// (shallow clones into a cache directory, credentials from files), either of them plain YAML
// or a Kustomize overlay rendered in-process as `kubectl apply -k` renders it (Kustomize).
//
// Load reads one Snapshot of the files into a manifest.Set. Everything is done with go-git
// and the kustomize library: no git or kustomize binary is needed at run time (except
// git-upload-pack for file:// URLs, which go-git's file transport runs), and rendering never
// reaches the network.
package source
