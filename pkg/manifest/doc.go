// Package manifest reads the desired state: a directory of plain Kubernetes YAML or JSON
// manifests, as found in a Git checkout, turned into a Set of unstructured objects.
//
// Load and LoadFS walk the directory recursively in lexical order and read every *.yaml, *.yml
// and *.json file; hidden files and directories (.git, .github, .gitlab-ci.yml ...) are skipped.
// A YAML file may hold several documents separated by "---" lines; empty and comment-only
// documents are ignored. A JSON file may hold several concatenated objects. A "List" document
// (kind List, or a kind ending in "List" with an items field, such as ConfigMapList) is expanded
// into its items. Numbers become int64 or float64, as in unstructured JSON decoding.
//
// Files, and LoadYAML's stream, are read exactly as `kubectl apply -f` (and -k) reads them, so
// that what is loaded is what kubectl stores: k8s.io/cli-runtime's FileVisitor and
// StreamVisitor, with apimachinery's YAMLOrJSONDecoder. In a file (not in LoadYAML's stream,
// which kubectl -k does not decode either), a UTF-8 byte order mark is dropped, UTF-16 with one
// is decoded, and bytes that are not UTF-8 become U+FFFD (with a warning). A
// stream whose first non-blank character is "{" is JSON, whatever the file's name, and is read
// on as YAML after a JSON syntax error that follows at most one value; any other is YAML.
// kubectl's line reader ends every line with "\n" and cuts "\r\n" to "\n", so a block scalar
// ("|") on a file's last line keeps its newline even when the file has none. Two differences
// are deliberate, and both refuse what kubectl applies: a duplicate mapping key is an error
// (kubectl keeps the last value), and a *.json file that starts as JSON must be valid JSON
// (kubectl would read it as YAML after the error). What kubectl silently leaves out is left
// out too, with a warning: content after a document end marker ("...") in the same document,
// and a long last line without a newline, which kubectl's line reader drops.
//
// Every object is checked: it needs apiVersion, kind and metadata.name; its scope (namespaced or
// cluster-scoped) comes from Options.Scope; namespaced objects without a namespace get
// Options.Namespace; the same object (group, kind, namespace, name) defined twice is an error.
// Load and LoadFS decode the files on GOMAXPROCS goroutines and check them on the caller's, in
// file order, so that the outcome, errors and warnings included, does not depend on timing.
//
// LoadEach, LoadFSEach and LoadYAMLEach read the same way, with the same checks, but hand each
// object on as soon as it is checked (Each), in the order read, rather than keep them in a Set:
// a consumer that compiles each object and lets it go never holds the decoded set at once.
//
// Loading is all or nothing. Every problem of a run is collected as an *Error naming the file and
// line, and the problems are returned together (errors.Join) with no Set, never a partial one.
// Callers must then act on nothing: the CLI exits 2, the webhook keeps its last good Set.
//
// What the API server accepts is not a problem, even if it is odd: a cluster-scoped object with
// metadata.namespace loads without it (the server clears the field, and kubectl apply accepts
// such a file), and Set.Warnings names its file and line so that the author can fix it.
package manifest
