package metricsauth

import (
	"os"
	"testing"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// env is the API server the envtest tests share; nil under -short.
var env *kubeenv.Env

func TestMain(m *testing.M) {
	os.Exit(kubeenv.Main(m, &env, kubeenv.Options{}))
}
