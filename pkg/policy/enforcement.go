package policy

import "fmt"

// Enforcement is how the admission webhook treats a change that makes an object drift from Git.
// Global modes are EnforcementWarn, EnforcementDeny and EnforcementAudit; an object may override
// the global mode with EnforcementWarn, EnforcementDeny or EnforcementOff.
type Enforcement string

// Enforcement modes.
const (
	// EnforcementWarn admits the change with a warning.
	EnforcementWarn Enforcement = "warn"
	// EnforcementDeny rejects the change.
	EnforcementDeny Enforcement = "deny"
	// EnforcementAudit admits the change silently; drift is only reported by the audit.
	// It is a global mode only.
	EnforcementAudit Enforcement = "audit"
	// EnforcementOff admits the change silently. It is a per-object override only.
	EnforcementOff Enforcement = "off"
)

// ParseEnforcement parses a global enforcement mode: "warn", "deny" or "audit".
func ParseEnforcement(s string) (Enforcement, error) {
	switch e := Enforcement(s); e {
	case EnforcementWarn, EnforcementDeny, EnforcementAudit:
		return e, nil
	default:
		return "", fmt.Errorf("invalid enforcement mode %q: want \"warn\", \"deny\" or \"audit\"", s)
	}
}

// Effective returns the mode that applies to one object under the global mode e: the object's
// override when it has one (warn, deny or off, as in Policy.Enforcement), else e. So an object's
// "deny" beats a global "warn" or "audit", its "warn" beats a global "deny", and its "off" admits
// changes silently whatever the global mode.
func (e Enforcement) Effective(override Enforcement) Enforcement {
	if override == "" {
		return e
	}
	return override
}
