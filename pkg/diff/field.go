package diff

import "time"

// Field is one drifted field: its path in the package's path notation (see Path.String), and the
// desired and live values (nil when absent). The values are shared with the objects given to
// Compare, not copied. Values of Secret data are masked (see Redact) before they reach a Field.
type Field struct {
	Path    string `json:"path"`
	Desired any    `json:"desired"`
	Live    any    `json:"live"`
	// Default is true when Git leaves the field out and Desired is the value the API server
	// gives it by default: someone changed a defaulted field.
	Default bool `json:"default,omitempty"`
	// Added is true when Git leaves the field out and it has no default: someone added it.
	// Desired is then nil.
	Added bool `json:"added,omitempty"`
	// Owner is who wrote the live value, as metadata.managedFields tell; nil when they do not.
	Owner *Owner `json:"owner,omitempty"`
}

// Owner is the field manager that owns a live value (an entry of metadata.managedFields), and
// the person behind its last write when the admission webhook saw it (see pkg/attribution).
type Owner struct {
	// Manager names the writer: kubectl-edit, kube-controller-manager, gitops-drift...
	Manager string `json:"manager"`
	// Operation is Apply (server-side apply) or Update (create, update, patch).
	Operation string `json:"operation"`
	// Subresource is the subresource written through ("scale"), omitted for the object.
	Subresource string `json:"subresource,omitempty"`
	// Time is when the manager last changed one of its fields; omitted when unknown.
	Time time.Time `json:"time,omitzero"`
	// User is who made the write that Manager and Time record, as the admission webhook saw
	// it: a user name or a ServiceAccount's (system:serviceaccount:NS:NAME). Empty when not
	// known or not looked for.
	User string `json:"user,omitempty"`
	// Groups are User's groups at admission.
	Groups []string `json:"groups,omitempty"`
	// UserUnknown says why User is empty once the person was looked for: "not seen at
	// admission", "older than the Event TTL", "2 admissions at that second". Empty when the
	// person is known, or was not looked for.
	UserUnknown string `json:"userUnknown,omitempty"`
}

// String renders o for people: "manager (Operation, time)", followed by " by USER" when the
// person is known, or ", user unknown (WHY)" when they were looked for in vain.
func (o *Owner) String() string {
	s := o.Manager + " (" + o.Operation
	if o.Subresource != "" {
		s += " /" + o.Subresource
	}
	if !o.Time.IsZero() {
		s += ", " + o.Time.UTC().Format(time.RFC3339)
	}
	s += ")"
	switch {
	case o.User != "":
		s += " by " + o.User
	case o.UserUnknown != "":
		s += ", user unknown (" + o.UserUnknown + ")"
	}
	return s
}

// Who renders o briefly, for messages that list many fields (Events, policy reports): the
// manager, and the person when known ("kubectl-set, alice@example.com").
func (o *Owner) Who() string {
	if o.User == "" {
		return o.Manager
	}
	return o.Manager + ", " + o.User
}
