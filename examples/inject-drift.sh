#!/usr/bin/env bash
# inject-drift.sh changes the demo's live objects behind Git's back, the way people do:
# 5 resources, 8 fields. Usage: examples/inject-drift.sh [kubectl flags, e.g. --kubeconfig F]
set -euo pipefail
k() { "${KUBECTL:-kubectl}" "$@"; }
k "$@" -n demo set image deployment/frontend frontend=nginx:1.19
k "$@" -n demo set resources deployment/frontend -c frontend --limits=cpu=1,memory=512Mi
k "$@" -n demo set image deployment/redis redis=redis:6.0
k "$@" -n demo patch configmap app-config --type merge -p '{"data":{"LOG_LEVEL":"debug","FEATURE_FLAGS":"beta=true"}}'
k "$@" label namespace demo env=staging --overwrite
k "$@" -n demo label service frontend tier=debug --overwrite
