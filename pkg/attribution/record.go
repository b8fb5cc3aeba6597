package attribution

import (
	"encoding/json"
	"hash/fnv"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// Reason is the reason of the Events that carry Records.
const Reason = "DriftAdmitted"

// Annotation is the annotation of a DriftAdmitted Event that holds its Record as JSON.
const Annotation = "drift.gitops.io/admission"

// Record is what the admission webhook saw of one admitted change that drifts from Git.
type Record struct {
	// Object is the object changed.
	Object Object `json:"-"`
	// User is who made the change: a user name or a ServiceAccount's.
	User string `json:"user"`
	// Groups are the user's groups.
	Groups []string `json:"groups,omitempty"`
	// Manager, Operation (Update or Apply) and Subresource name the managedFields entry the
	// request updated; Time is that entry's time (managedFields keep seconds).
	Manager     string    `json:"manager"`
	Operation   string    `json:"operation"`
	Subresource string    `json:"subresource,omitempty"`
	Time        time.Time `json:"time"`
	// Request is the admission operation: CREATE or UPDATE.
	Request string `json:"request,omitempty"`
	// Paths are the fields the change made drift, in pkg/diff's notation.
	Paths []string `json:"paths"`
	// Truncated is true when paths were left out to keep the Event small: the record then
	// names nobody for a field it does not list.
	Truncated bool `json:"truncated,omitempty"`
	// Approximate is true when the request's object did not tell the managedFields entry
	// (a Scale, in a request on the scale subresource, carries no managedFields; and the
	// API server keeps no time in the entries of that subresource): Time is then when the
	// webhook saw the request, Manager the request's fieldManager or empty (the API server
	// names it after the client's user agent), Operation empty, and Digests tell the values
	// written. See Matches.
	Approximate bool `json:"approximate,omitempty"`
	// Digests are, for an Approximate record, digests of the values the change wrote, by
	// path (Digest): enough to tell whether a live value is still the one written, never the
	// value itself.
	Digests map[string]string `json:"digests,omitempty"`
}

// Digest returns the digest of a field's value in a Record: FNV-1a 64 of its JSON, in hex.
func Digest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	h := fnv.New64a()
	h.Write(b)
	return strconv.FormatUint(h.Sum64(), 16)
}

// Object identifies the object of a Record.
type Object struct {
	APIVersion string
	Kind       string
	Namespace  string // "" for a cluster-scoped object
	Name       string
	UID        types.UID
}
