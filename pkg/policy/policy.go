package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Annotations read from the desired object. Their names are part of the public interface.
const (
	// AnnotationSkip, when "true", excludes the object from drift checks.
	AnnotationSkip = "drift.gitops.io/skip"
	// AnnotationIgnoreFields holds comma-separated path patterns whose drift is ignored.
	// Commas inside [...] belong to a path: "spec.ports[port=80,protocol=TCP]" is one pattern.
	AnnotationIgnoreFields = "drift.gitops.io/ignore-fields"
	// AnnotationRemediationPolicy holds a Remediation: "auto" (the default) or "alert".
	AnnotationRemediationPolicy = "drift.gitops.io/remediation-policy"
	// AnnotationEnforcement holds the object's Enforcement override: "warn", "deny" or "off".
	AnnotationEnforcement = "drift.gitops.io/enforcement"
)

// Remediation says whether drift of an object may be repaired.
type Remediation string

// Remediation policies.
const (
	// RemediationAuto lets the tool repair drift when remediation is enabled. It is the default.
	RemediationAuto Remediation = "auto"
	// RemediationAlert reports drift but never repairs it.
	RemediationAlert Remediation = "alert"
)

// Policy is the drift policy of one object.
type Policy struct {
	// Skip excludes the object from drift checks.
	Skip bool
	// IgnoreFields holds the raw path patterns whose drift is ignored, trimmed, in the order
	// given. Their syntax is checked by the diff package, not here.
	IgnoreFields []string
	// Remediation says whether drift may be repaired. Defaults to RemediationAuto.
	Remediation Remediation
	// Enforcement overrides the global enforcement mode for this object. Empty means "use the
	// global mode"; otherwise EnforcementWarn, EnforcementDeny or EnforcementOff.
	Enforcement Enforcement
}

// FromAnnotations returns the Policy set by the annotations of a desired object. Values are
// trimmed of surrounding space. An invalid value is an error naming the annotation and the value;
// all invalid annotations are reported together. A nil map gives the default Policy.
func FromAnnotations(a map[string]string) (Policy, error) {
	p := Policy{Remediation: RemediationAuto}
	var errs []error
	if v, ok := a[AnnotationSkip]; ok {
		skip, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, invalid(AnnotationSkip, v, `want "true" or "false"`))
		}
		p.Skip = skip
	}
	if v, ok := a[AnnotationIgnoreFields]; ok {
		fields, err := splitPatterns(v)
		if err != nil {
			errs = append(errs, invalid(AnnotationIgnoreFields, v, err.Error()))
		}
		p.IgnoreFields = fields
	}
	if v, ok := a[AnnotationRemediationPolicy]; ok {
		switch r := Remediation(strings.TrimSpace(v)); r {
		case RemediationAuto, RemediationAlert:
			p.Remediation = r
		default:
			errs = append(errs, invalid(AnnotationRemediationPolicy, v, `want "auto" or "alert"`))
		}
	}
	if v, ok := a[AnnotationEnforcement]; ok {
		switch e := Enforcement(strings.TrimSpace(v)); e {
		case EnforcementWarn, EnforcementDeny, EnforcementOff:
			p.Enforcement = e
		default:
			errs = append(errs, invalid(AnnotationEnforcement, v, `want "warn", "deny" or "off"`))
		}
	}
	if len(errs) > 0 {
		return Policy{}, errors.Join(errs...)
	}
	return p, nil
}

// invalid returns the error for an annotation whose value cannot be used.
func invalid(annotation, value, reason string) error {
	return fmt.Errorf("annotation %s: invalid value %q: %s", annotation, value, reason)
}

// splitPatterns splits a comma-separated list of path patterns, leaving alone the commas inside
// brackets. Patterns are trimmed and empty ones dropped. Unbalanced brackets are an error.
func splitPatterns(s string) ([]string, error) {
	var out []string
	depth, start := 0, 0
	add := func(end int) {
		if p := strings.TrimSpace(s[start:end]); p != "" {
			out = append(out, p)
		}
		start = end + 1
	}
	for i, c := range s {
		switch c {
		case '[':
			depth++
		case ']':
			if depth == 0 {
				return nil, fmt.Errorf("unexpected ']' at offset %d", i)
			}
			depth--
		case ',':
			if depth == 0 {
				add(i)
			}
		}
	}
	if depth != 0 {
		return nil, errors.New("unclosed '['")
	}
	add(len(s))
	return out, nil
}
