package webhook

import (
	"errors"
	"fmt"
	"unsafe"

	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AdmissionReview versions the webhook reads and answers in. Their requests and responses have
// the same fields; the answer carries the request's version.
const (
	reviewV1      = "admission.k8s.io/v1"
	reviewV1beta1 = "admission.k8s.io/v1beta1"
	reviewKind    = "AdmissionReview"
)

// review is what the webhook reads of an AdmissionReview: its version, and of its request the
// fields the handler judges by. The objects are kept as the JSON they are in the body, decoded
// later as far as the comparison needs (decodeObject).
type review struct {
	apiVersion string
	request    admissionv1.AdmissionRequest
	dryRun     bool // what request.DryRun points to
	// objectManagers and oldManagers are the managedFields entries of the object and the old
	// object, read with the review: they tell how to decode each (decodeFor).
	objectManagers, oldManagers []fieldManager
}

// reset empties rv for another body, keeping its lists' memory.
func (rv *review) reset() {
	groups := rv.request.UserInfo.Groups[:0]
	clear(groups[:cap(groups)])
	object, old := rv.objectManagers[:0], rv.oldManagers[:0]
	clear(object[:cap(object)])
	clear(old[:cap(old)])
	*rv = review{objectManagers: object, oldManagers: old}
	rv.request.UserInfo.Groups = groups
}

// decodeReview reads an AdmissionReview (v1 or v1beta1) from body, in one pass: the request's
// uid, kind, resource, subResource, name, namespace, operation, userInfo's username and groups,
// dryRun, object and oldObject as slices of body, with their managedFields' managers, and
// options as a slice of body; everything else is checked for syntax and skipped. Strings share
// body's memory (see decodeObject). On error, the review holds what was read before it: the
// uid, if it comes first, as the API server writes it.
func decodeReview(body []byte) (*review, error) {
	rv := &review{}
	return rv, rv.decode(new(decoder), body)
}

// decode reads the AdmissionReview in body into rv (see decodeReview) with d.
func (rv *review) decode(d *decoder, body []byte) error {
	d.reset(body)
	var kind string
	seen := false
	err := d.fields(func(k string) error {
		switch k {
		case "apiVersion":
			return d.text(&rv.apiVersion)
		case "kind":
			return d.text(&kind)
		case "request":
			seen = true
			return rv.readRequest(d)
		}
		return d.skip()
	})
	if err == nil {
		err = d.end()
	}
	switch {
	case err != nil:
		return err
	case kind != reviewKind || rv.apiVersion != reviewV1 && rv.apiVersion != reviewV1beta1:
		return fmt.Errorf("not an AdmissionReview of admission.k8s.io/v1 or v1beta1: apiVersion %q, kind %q", rv.apiVersion, kind)
	case !seen || rv.request.UID == "":
		return errors.New("the AdmissionReview has no request uid")
	}
	return nil
}

// readRequest reads the review's request.
func (rv *review) readRequest(d *decoder) error {
	r := &rv.request
	return d.fields(func(k string) error {
		switch k {
		case "uid":
			return d.text((*string)(&r.UID))
		case "kind":
			return d.gvk(&r.Kind)
		case "resource":
			return d.gvr(&r.Resource)
		case "subResource":
			return d.text(&r.SubResource)
		case "name":
			return d.text(&r.Name)
		case "namespace":
			return d.text(&r.Namespace)
		case "operation":
			return d.text((*string)(&r.Operation))
		case "userInfo":
			return d.userInfo(&r.UserInfo)
		case "object":
			return d.rawObject(&r.Object.Raw, &rv.objectManagers)
		case "oldObject":
			return d.rawObject(&r.OldObject.Raw, &rv.oldManagers)
		case "options":
			return d.rawValue(&r.Options.Raw)
		case "dryRun":
			r.DryRun = &rv.dryRun
			return d.boolean(&rv.dryRun)
		}
		return d.skip()
	})
}

func (d *decoder) gvk(gvk *metav1.GroupVersionKind) error {
	return d.fields(func(k string) error {
		switch k {
		case "group":
			return d.text(&gvk.Group)
		case "version":
			return d.text(&gvk.Version)
		case "kind":
			return d.text(&gvk.Kind)
		}
		return d.skip()
	})
}

func (d *decoder) gvr(gvr *metav1.GroupVersionResource) error {
	return d.fields(func(k string) error {
		switch k {
		case "group":
			return d.text(&gvr.Group)
		case "version":
			return d.text(&gvr.Version)
		case "resource":
			return d.text(&gvr.Resource)
		}
		return d.skip()
	})
}

func (d *decoder) userInfo(u *authnv1.UserInfo) error {
	return d.fields(func(k string) error {
		switch k {
		case "username":
			return d.text(&u.Username)
		case "uid":
			return d.text(&u.UID)
		case "groups":
			return d.texts(&u.Groups)
		}
		return d.skip()
	})
}

// fields reads an object, or null, calling each with every key; each must read the key's
// value.
func (d *decoder) fields(each func(k string) error) error {
	switch d.dec.PeekKind() {
	case 'n':
		return d.skip()
	case '{':
	default:
		return d.wrong("an object")
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	for d.dec.PeekKind() != '}' {
		k, err := d.str()
		if err != nil {
			return err
		}
		if err := each(k); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	return nil
}

// text reads a string, or null (""), into s.
func (d *decoder) text(s *string) error {
	if d.dec.PeekKind() == 'n' {
		*s = ""
		return d.skip()
	}
	v, err := d.str()
	*s = v
	return err
}

// texts reads a list of strings, or null, into l.
func (d *decoder) texts(l *[]string) error {
	switch d.dec.PeekKind() {
	case 'n':
		*l = nil
		return d.skip()
	case '[':
	default:
		return d.wrong("a list")
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	if *l = (*l)[:0]; *l == nil {
		*l = []string{}
	}
	for d.dec.PeekKind() != ']' {
		var s string
		if err := d.text(&s); err != nil {
			return err
		}
		*l = append(*l, s)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	return nil
}

// boolean reads true, false or null (false) into b.
func (d *decoder) boolean(b *bool) error {
	switch d.dec.PeekKind() {
	case 't', 'f', 'n':
		t, err := d.dec.ReadToken()
		if err != nil {
			return d.syntax(err)
		}
		*b = t.Kind() == 't'
		return nil
	}
	return d.wrong("a boolean")
}

// rawValue reads any value into raw as its JSON, a slice of the input; null gives nil, as a
// runtime.RawExtension does.
func (d *decoder) rawValue(raw *[]byte) error {
	if d.dec.PeekKind() == 'n' {
		*raw = nil
		return d.skip()
	}
	v, err := d.span()
	*raw = v
	return err
}

// rawObject reads an object into raw as its JSON, a slice of the input, as rawValue does, and
// the managers and subresources of its managedFields into found.
func (d *decoder) rawObject(raw *[]byte, found *[]fieldManager) error {
	if d.dec.PeekKind() != '{' {
		return d.rawValue(raw)
	}
	open, err := d.open()
	if err != nil {
		return err
	}
	for d.dec.PeekKind() != '}' {
		k, err := d.str()
		if err != nil {
			return err
		}
		if k == "metadata" && d.dec.PeekKind() == '{' {
			err = d.fields(func(k string) error {
				if k == "managedFields" {
					var err error
					*found, err = d.managers(*found, open)
					return err
				}
				return d.skip()
			})
		} else {
			err = d.skip()
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	end := int(d.dec.InputOffset())
	*raw = unsafe.Slice(unsafe.StringData(d.src), len(d.src))[open:end:end]
	return nil
}
