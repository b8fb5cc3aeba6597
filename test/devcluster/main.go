// Command devcluster runs a local kube-apiserver and etcd (no Docker, no kubelet, no
// controller-manager) from the binaries `make kube-bins` builds, writes an admin kubeconfig,
// prints "ready", and runs until SIGINT or SIGTERM, then stops both and removes its files.
//
//	go run ./test/devcluster --kubeconfig /tmp/gitops-drift.kubeconfig
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := pflag.NewFlagSet("devcluster", pflag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", "", "path to write the admin kubeconfig to (required)")
	verbose := fs.Bool("verbose", false, "attach the API server's and etcd's output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *kubeconfig == "" {
		return errors.New("--kubeconfig is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	env, err := kubeenv.Start(kubeenv.Options{Output: *verbose})
	if err != nil {
		return err
	}
	err = os.WriteFile(*kubeconfig, env.KubeconfigBytes(), 0o600)
	if err == nil {
		fmt.Println("ready")
		<-ctx.Done()
		fmt.Fprintln(os.Stderr, "devcluster: stopping")
	}
	return errors.Join(err, env.Stop(), removeIfExists(*kubeconfig))
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
