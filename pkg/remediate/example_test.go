package remediate_test

import (
	"fmt"

	"github.com/gitops-drift/gitops-drift/pkg/remediate"
)

func ExampleParseStrategy() {
	s, err := remediate.ParseStrategy("replace")
	fmt.Println(s, err)
	_, err = remediate.ParseStrategy("merge")
	fmt.Println(err)
	// Output:
	// replace <nil>
	// invalid remediation strategy "merge": want "apply" or "replace"
}
