// Package timing logs how long the phases of a drift check take: one debug line (logr V(1))
// per phase, "phase done", naming the phase, when it started and how long it took. Phases may
// overlap (the LISTs run while the manifests compile), so the start times, not the sum of
// the durations, tell where the time goes. `--log-level debug` shows the lines; the macro
// benchmark (test/macrobench) reads them to tabulate a check's time.
package timing
