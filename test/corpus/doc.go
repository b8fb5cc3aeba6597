// Package corpus holds real-world manifests copied unchanged from public projects
// (testdata/, with their sources in SOURCES.md) and the tests that apply them to a real API
// server, with client-side and with server-side kubectl apply, and check that gitops-drift
// finds no drift in what the server stored and exactly the drift of a handful of realistic
// kubectl edits. It has no code of its own.
package corpus
