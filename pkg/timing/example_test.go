package timing_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"

	"github.com/gitops-drift/gitops-drift/pkg/timing"
)

func ExampleDone() {
	// The duration depends on the clock: print what comes before it.
	log := funcr.New(func(_, args string) {
		before, _, _ := strings.Cut(args, ` "durationSeconds"`)
		fmt.Println(before)
	}, funcr.Options{Verbosity: 1})
	ctx := logr.NewContext(context.Background(), log)
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	timing.Done(ctx, timing.Compile, start)
	// Output: "level"=1 "msg"="phase done" "phase"="compile" "startTime"="2026-12-04T10:00:00Z"
}
