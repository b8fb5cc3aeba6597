package clip_test

import (
	"fmt"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
)

func Example() {
	fmt.Println(clip.End("could not restore Git's state: conflict", 20))
	fmt.Println(clip.Head("spec.template.spec.containers[name=web].image", 20))
	fmt.Println(clip.Middle("registry.example.com/team/web:1.25", 19))
	fmt.Println(clip.Chars("a value of a report", 7))
	fmt.Println(clip.List("3 field(s) drift from Git", []string{"spec.replicas", "data.a", "data.b"}, "", 60))
	// Output:
	// could not restore...
	// ...s[name=web].image
	// registry...web:1.25
	// a value…
	// 3 field(s) drift from Git: spec.replicas, data.a and 1 more
}
