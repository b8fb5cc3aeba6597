package auditor

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// benchServer is the API server of BenchmarkAuditCycle, in memory (an http.RoundTripper): it
// serves the lists and watches of the informers' clients for each kind and namespace, with
// the live copies of the tracked objects there and as many untracked objects of the same
// kind. It makes each object, as JSON, when the client reads it, as a real server streams a
// watch-list or pages a list: nothing of the untracked objects is held but what the client
// keeps. A watch-list streams every object then the bookmark that ends the initial events,
// and stays open without events; a list is paged by limit and continue.
//
// Like a real server, it ends a watch-list stream some time after its initial events (a real
// one does at the watch's timeoutSeconds, 5 to 10 minutes): here when rotate is closed, with
// a bookmark then the end of the stream. The informer then watches again from the bookmark's
// resourceVersion, without initial events; rewatched counts those watches.
type benchServer struct {
	mf        *managedFieldsMaker
	ownership bool
	scopes    map[benchScope][]*check.Target // read-only once serving
	rotate    chan struct{}
	rewatched atomic.Int64
}

// benchScope is a kind and a namespace.
type benchScope struct {
	kind, namespace string
}

// benchResource returns the kind of a resource of the benchmark.
func benchResource(resource string) string {
	return map[string]string{"deployments": "Deployment", "services": "Service", "configmaps": "ConfigMap", "secrets": "Secret"}[resource]
}

func (s *benchServer) RoundTrip(req *http.Request) (*http.Response, error) {
	// /api/v1/namespaces/NS/RESOURCE or /apis/GROUP/VERSION/namespaces/NS/RESOURCE
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	if len(parts) < 4 || parts[len(parts)-3] != "namespaces" {
		return s.respond(req, http.StatusNotFound, strings.NewReader(`{"kind":"Status","apiVersion":"v1","status":"Failure","code":404}`)), nil
	}
	apiVersion := strings.Join(parts[1:len(parts)-3], "/")
	kind := benchResource(parts[len(parts)-1])
	src := &benchSource{server: s, apiVersion: apiVersion, kind: kind, tracked: s.scopes[benchScope{kind: kind, namespace: parts[len(parts)-2]}]}
	q := req.URL.Query()
	if q.Get("watch") == "true" {
		initial := q.Get("sendInitialEvents") == "true"
		if !initial {
			s.rewatched.Add(1)
		}
		return s.respond(req, http.StatusOK, src.watch(req, initial)), nil
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	from, _ := strconv.Atoi(q.Get("continue"))
	b, err := src.list(from, limit)
	if err != nil {
		return nil, err
	}
	return s.respond(req, http.StatusOK, strings.NewReader(string(b))), nil
}

func (s *benchServer) respond(req *http.Request, code int, body io.Reader) *http.Response {
	rc, ok := body.(io.ReadCloser)
	if !ok {
		rc = io.NopCloser(body)
	}
	return &http.Response{StatusCode: code, Header: http.Header{"Content-Type": {"application/json"}}, Body: rc, Request: req,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

// benchSource is the objects of one kind in one namespace: the live copies of tracked, then
// as many untracked objects.
type benchSource struct {
	server     *benchServer
	apiVersion string
	kind       string
	tracked    []*check.Target
}

func (src *benchSource) len() int { return 2 * len(src.tracked) }

// resourceVersion is the list's: after every object's.
func (src *benchSource) resourceVersion() string { return strconv.Itoa(src.len() + 1) }

// object returns the object numbered i.
func (src *benchSource) object(i int) *unstructured.Unstructured {
	var obj *unstructured.Unstructured
	if i < len(src.tracked) {
		obj = src.server.liveCopy(src.tracked[i])
	} else {
		obj = untracked(src.kind, src.tracked[0].Key.Namespace, i-len(src.tracked))
	}
	obj.SetAPIVersion(src.apiVersion)
	obj.SetKind(src.kind)
	obj.SetUID(types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i)))
	obj.SetResourceVersion(strconv.Itoa(i + 1))
	obj.SetGeneration(1)
	return obj
}

// list returns the page of limit objects (all with 0) from the object numbered from.
func (src *benchSource) list(from, limit int) ([]byte, error) {
	to := src.len()
	if limit > 0 {
		to = min(to, from+limit)
	}
	md := map[string]any{"resourceVersion": src.resourceVersion()}
	if to < src.len() {
		md["continue"] = strconv.Itoa(to)
	}
	items := make([]any, 0, to-from)
	for i := from; i < to; i++ {
		items = append(items, src.object(i).Object)
	}
	return json.Marshal(map[string]any{"apiVersion": src.apiVersion, "kind": src.kind + "List", "metadata": md, "items": items})
}

// watch returns the body of a watch: with initial, every object then the bookmark that ends
// them, then nothing until the server rotates its watches, then a bookmark and the end;
// without, nothing until the client goes.
func (src *benchSource) watch(req *http.Request, initial bool) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		enc := json.NewEncoder(pw)
		for i := 0; initial && i < src.len(); i++ {
			if src.writeEvent(pw, enc, i) != nil {
				return
			}
		}
		if initial {
			end := map[string]any{"apiVersion": src.apiVersion, "kind": src.kind, "metadata": map[string]any{
				"resourceVersion": src.resourceVersion(), "annotations": map[string]any{metav1.InitialEventsAnnotationKey: "true"}}}
			if enc.Encode(map[string]any{"type": "BOOKMARK", "object": end}) != nil {
				return
			}
			select {
			case <-src.server.rotate:
				end := map[string]any{"apiVersion": src.apiVersion, "kind": src.kind, "metadata": map[string]any{"resourceVersion": src.resourceVersion()}}
				if enc.Encode(map[string]any{"type": "BOOKMARK", "object": end}) == nil {
					pw.Close()
				}
				return
			case <-req.Context().Done():
			}
		}
		<-req.Context().Done()
		pw.CloseWithError(req.Context().Err())
	}()
	return pr
}

// writeEvent writes the ADDED event of the object numbered i. An untracked Secret's data is
// streamed as it is made, so that the server itself allocates nothing of its size: the
// process's memory is the client's.
func (src *benchSource) writeEvent(w io.Writer, enc *json.Encoder, i int) error {
	j := i - len(src.tracked)
	if src.kind != "Secret" || j < 0 {
		return enc.Encode(map[string]any{"type": "ADDED", "object": src.object(i).Object})
	}
	obj := src.object(i)
	data := obj.Object["data"]
	delete(obj.Object, "data")
	head, err := json.Marshal(obj.Object)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, `{"type":"ADDED","object":%s,"data":{"release":"`, head[:len(head)-1]); err != nil {
		return err
	}
	if err := data.(map[string]any)["release"].(helmRelease).write(w); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\"}}}\n")
	return err
}

// liveCopy returns the live copy of t: its stored form with what a server adds (defaults,
// status, managedFields), one in a hundred drifted by hand (see benchDrift).
func (s *benchServer) liveCopy(t *check.Target) *unstructured.Unstructured {
	obj := &unstructured.Unstructured{Object: runtime.DeepCopyJSON(t.Want())}
	drift := benchNumber(t.Key.Name)%400 == benchDrift(t.Key.Kind)
	var edited string
	switch t.Key.Kind {
	case "Deployment":
		_ = unstructured.SetNestedField(obj.Object, "RollingUpdate", "spec", "strategy", "type")
		_ = unstructured.SetNestedField(obj.Object, int64(10), "spec", "revisionHistoryLimit")
		_ = unstructured.SetNestedMap(obj.Object, map[string]any{"replicas": int64(2), "readyReplicas": int64(2), "observedGeneration": int64(1)}, "status")
		if drift {
			containers, _, _ := unstructured.NestedSlice(obj.Object, "spec", "template", "spec", "containers")
			containers[0].(map[string]any)["image"] = "registry.example.com/app:debug"
			_ = unstructured.SetNestedSlice(obj.Object, containers, "spec", "template", "spec", "containers")
			edited = `{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{"f:image":{}}}}}}}`
		}
	case "Service":
		n := benchNumber(t.Key.Name)
		_ = unstructured.SetNestedField(obj.Object, fmt.Sprintf("10.0.%d.%d", n/250%250, n%250), "spec", "clusterIP")
		_ = unstructured.SetNestedField(obj.Object, "ClusterIP", "spec", "type")
		if drift {
			_ = unstructured.SetNestedField(obj.Object, "other", "spec", "selector", "app")
			edited = `{"f:spec":{"f:selector":{}}}`
		}
	case "ConfigMap":
		if drift {
			_ = unstructured.SetNestedField(obj.Object, "debug", "data", "LOG_LEVEL")
			edited = `{"f:data":{"f:LOG_LEVEL":{}}}`
		}
	case "Secret":
		if drift {
			_ = unstructured.SetNestedField(obj.Object, base64.StdEncoding.EncodeToString([]byte("hunter2")), "data", "password")
			edited = `{"f:data":{"f:password":{}}}`
		}
	}
	if !s.ownership {
		return obj
	}
	s.mf.set(obj)
	if drift { // by hand: the edit, and a label kubectl label added
		labels := obj.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		labels["edited-by"] = "me"
		obj.SetLabels(labels)
		later := metav1.NewTime(s.mf.at.Add(time.Hour))
		patch, label := s.mf.entry("kubectl-patch", "", []byte(edited)), s.mf.entry("kubectl-label", "", []byte(`{"f:metadata":{"f:labels":{"f:edited-by":{}}}}`))
		patch.Time, label.Time = &later, &later
		obj.SetManagedFields(append(obj.GetManagedFields(), patch, label))
	}
	return obj
}

// untracked returns the object of kind numbered j among those Git does not track in
// namespace ns: a Helm release Secret of 50 to 200 KB, or an object as large as a tracked one.
func untracked(kind, ns string, j int) *unstructured.Unstructured {
	name := fmt.Sprintf("other-%d", j)
	var obj map[string]any
	switch kind {
	case "Deployment":
		obj = map[string]any{"spec": map[string]any{
			"replicas": int64(1), "selector": map[string]any{"matchLabels": map[string]any{"app": name}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": name}},
				"spec": map[string]any{"containers": []any{map[string]any{
					"name": "main", "image": "registry.example.com/other:" + strconv.Itoa(j), "imagePullPolicy": "IfNotPresent",
					"env":       []any{map[string]any{"name": "MODE", "value": "prod"}},
					"resources": map[string]any{"requests": map[string]any{"cpu": "50m", "memory": "64Mi"}},
				}}},
			}},
			"status": map[string]any{"replicas": int64(1), "readyReplicas": int64(1)},
		}
	case "Service":
		obj = map[string]any{"spec": map[string]any{"type": "ClusterIP", "clusterIP": fmt.Sprintf("10.1.%d.%d", j/250%250, j%250),
			"selector": map[string]any{"app": name}, "ports": []any{map[string]any{"port": int64(80), "protocol": "TCP", "targetPort": int64(8080)}}}}
	case "ConfigMap":
		obj = map[string]any{"data": map[string]any{"config.yaml": strings.Repeat("key: value\n", 20)}}
	case "Secret":
		name = fmt.Sprintf("sh.helm.release.v1.rel-%d.v1", j)
		obj = map[string]any{"type": "helm.sh/release.v1", "data": map[string]any{"release": helmRelease(j)}}
	}
	obj["metadata"] = map[string]any{"name": name, "namespace": ns, "labels": map[string]any{"owner": "helm", "name": name},
		"managedFields": []any{map[string]any{"manager": "helm", "operation": "Update", "apiVersion": "v1", "time": "2026-11-24T10:00:00Z",
			"fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:metadata": map[string]any{"f:labels": map[string]any{"f:owner": map[string]any{}}}}}}}
	return &unstructured.Unstructured{Object: obj}
}

// helmRelease is the data of the release Secret numbered by it: 50 to 200 KB of base64, made
// when it is written (write), or as a string when a list is encoded (MarshalJSON).
type helmRelease int

// size returns the length of the base64 text.
func (h helmRelease) size() int { return (50_000 + int(h)*7919%150_000) / 4 * 4 }

// write writes the base64 text to w, made 3 KB at a time.
func (h helmRelease) write(w io.Writer) error {
	enc := base64.NewEncoder(base64.StdEncoding, w)
	chunk := make([]byte, 3<<10)
	x := uint32(h)*2654435761 + 1
	for left := h.size() / 4 * 3; left > 0; left -= len(chunk) {
		chunk = chunk[:min(len(chunk), left)]
		for i := range chunk {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			chunk[i] = byte(x)
		}
		if _, err := enc.Write(chunk); err != nil {
			return err
		}
	}
	return enc.Close()
}

// MarshalJSON returns the base64 text as a JSON string.
func (h helmRelease) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('"')
	if err := h.write(&b); err != nil {
		return nil, err
	}
	b.WriteByte('"')
	return []byte(b.String()), nil
}
