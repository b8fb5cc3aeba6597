package webhook

import (
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
)

// maxLogValue bounds a value in the audit log.
const maxLogValue = 256

// auditField is one drifted field in the audit log: its full path and, except in Secrets, the
// values, shortened to maxLogValue.
type auditField struct {
	Path    string `json:"path"`
	Desired string `json:"desired,omitempty"`
	Live    string `json:"live,omitempty"`
}

// audit writes the audit log line of a request that introduced drift. The sink renders it at
// once (zap and funcr do): its values may point into the request's memory, reused after the
// answer. Nothing is built for a logger that discards the line.
func (h *Handler) audit(req *admissionv1.AdmissionRequest, c *change, d Decision, revision string) {
	if !h.opts.Log.Enabled() {
		return
	}
	fields := make([]auditField, len(c.fields))
	for i, f := range c.fields {
		fields[i].Path = f.Path
		if !c.secret {
			fields[i].Desired = clip.Middle(messageValue(f.Desired), maxLogValue)
			if f.Live != nil {
				fields[i].Live = clip.Middle(messageValue(f.Live), maxLogValue)
			}
		}
	}
	h.opts.Log.Info(auditMessage,
		logUID, req.UID,
		logUser, req.UserInfo.Username,
		logGroups, req.UserInfo.Groups,
		logOperation, req.Operation,
		logResource, resourceText(req),
		logKind, c.key.Kind,
		logNamespace, c.key.Namespace,
		logName, c.key.Name,
		logDryRun, req.DryRun != nil && *req.DryRun,
		logDecision, d,
		logRevision, revision,
		logFields, fields,
	)
}

// resourceText renders the request's resource as group/version/resource, and its subresource
// if any ("apps/v1/deployments", "v1/configmaps", "apps/v1/deployments/scale").
func resourceText(req *admissionv1.AdmissionRequest) string {
	r := req.Resource
	s := r.Version + "/" + r.Resource
	if r.Group != "" {
		s = r.Group + "/" + s
	}
	if req.SubResource != "" {
		s += "/" + req.SubResource
	}
	return s
}
