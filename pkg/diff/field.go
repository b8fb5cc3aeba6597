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

// Owner is the field manager that owns a live value (an entry of metadata.managedFields).
type Owner struct {
	// Manager names the writer: kubectl-edit, kube-controller-manager, gitops-drift...
	Manager string `json:"manager"`
	// Operation is Apply (server-side apply) or Update (create, update, patch).
	Operation string `json:"operation"`
	// Subresource is the subresource written through ("scale"), omitted for the object.
	Subresource string `json:"subresource,omitempty"`
	// Time is when the manager last changed one of its fields; omitted when unknown.
	Time time.Time `json:"time,omitzero"`
}

// String renders o as "manager (Operation, time)" for people.
func (o *Owner) String() string {
	s := o.Manager + " (" + o.Operation
	if o.Subresource != "" {
		s += " /" + o.Subresource
	}
	if !o.Time.IsZero() {
		s += ", " + o.Time.UTC().Format(time.RFC3339)
	}
	return s + ")"
}
