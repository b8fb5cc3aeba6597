// Package certs creates the TLS material the webhook serves with when cert-manager is not
// there: a self-signed CA and a serving certificate signed by it, for the DNS names and IP
// addresses the API server uses to reach the webhook. It uses only the standard library's
// crypto (ECDSA P-256), never openssl. Renew decides, for serve --cert-rotation, what to keep
// next: a CA that signs, older CAs still trusted, and a serving certificate, each renewed with
// a third of its validity left. See README.md for local and in-cluster use.
package certs
