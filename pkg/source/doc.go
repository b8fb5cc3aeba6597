// Package source tells where the desired state comes from: today a local directory, usually a
// Git checkout, identified by the commit it was read at.
//
// Revision reads the repository with go-git; no git binary is needed at run time.
package source
