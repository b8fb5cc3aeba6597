package policy_test

import (
	"fmt"

	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

func ExampleFromAnnotations() {
	p, err := policy.FromAnnotations(map[string]string{
		policy.AnnotationIgnoreFields:      "spec.replicas, spec.ports[port=80,protocol=TCP].nodePort",
		policy.AnnotationRemediationPolicy: "alert",
		policy.AnnotationEnforcement:       "deny",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", p.IgnoreFields)
	fmt.Println(p.Skip, p.Remediation, p.Enforcement)

	_, err = policy.FromAnnotations(map[string]string{policy.AnnotationSkip: "yes"})
	fmt.Println(err)
	// Output:
	// ["spec.replicas" "spec.ports[port=80,protocol=TCP].nodePort"]
	// false alert deny
	// annotation drift.gitops.io/skip: invalid value "yes": want "true" or "false"
}

func ExampleEnforcement_Effective() {
	global, err := policy.ParseEnforcement("warn")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(global.Effective(""))
	fmt.Println(global.Effective(policy.EnforcementDeny))
	fmt.Println(global.Effective(policy.EnforcementOff))
	// Output:
	// warn
	// deny
	// off
}
