// Package valuesdoc renders the table of a Helm chart's values from the "# --" comments of its
// values.yaml, and puts it into the chart's README between two markers.
package valuesdoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Markers delimit the table in the README; what is between them is replaced.
const (
	Begin = "<!-- values table: generated from values.yaml by `make chart-docs`; do not edit -->"
	End   = "<!-- end of values table -->"
)

// Value is one documented value: its dotted key, type, default (as JSON) and description.
type Value struct {
	Key, Type, Default, Description string
}

// Parse returns the documented values of values.yaml, in file order: every key whose comment
// starts with "# --" (the text after it, and the comment lines that follow, describe it).
// A documented key's children are not listed.
func Parse(data []byte) ([]Value, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("values.yaml: %w", err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("values.yaml: want a mapping")
	}
	var out []Value
	err := walk(doc.Content[0], "", &out)
	return out, err
}

func walk(m *yaml.Node, prefix string, out *[]Value) error {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := prefix + k.Value
		if desc, ok := description(k.HeadComment); ok {
			def, err := defaultOf(v)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			*out = append(*out, Value{Key: key, Type: typeOf(v), Default: def, Description: desc})
			continue
		}
		if v.Kind != yaml.MappingNode {
			return fmt.Errorf("values.yaml: %s (line %d) has no \"# --\" comment", key, k.Line)
		}
		if err := walk(v, key+".", out); err != nil {
			return err
		}
	}
	return nil
}

// description returns the text of the "# --" comment among a key's head comment lines.
func description(comment string) (string, bool) {
	var lines []string
	found := false
	for _, l := range strings.Split(comment, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "# --"):
			found, lines = true, []string{strings.TrimSpace(strings.TrimPrefix(l, "# --"))}
		case found && strings.HasPrefix(l, "#"):
			lines = append(lines, strings.TrimSpace(strings.TrimPrefix(l, "#")))
		}
	}
	return strings.Join(lines, " "), found
}

func typeOf(v *yaml.Node) string {
	switch {
	case v.Kind == yaml.SequenceNode:
		return "list"
	case v.Kind == yaml.MappingNode:
		return "object"
	case v.Tag == "!!int":
		return "int"
	case v.Tag == "!!bool":
		return "bool"
	}
	return "string"
}

// defaultOf returns v as compact JSON.
func defaultOf(v *yaml.Node) (string, error) {
	var x any
	if err := v.Decode(&x); err != nil {
		return "", err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// Table renders values as a Markdown table.
func Table(values []Value) string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Description |\n|---|---|---|---|\n")
	for _, v := range values {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", v.Key, v.Type, code(v.Default), cell(v.Description))
	}
	return b.String()
}

// code writes s as a code span, or in a <pre> block for a long multi-line string.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + strings.ReplaceAll(s, "|", `\|`) + pad + fence
}

// cell escapes the pipes of a description.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// Splice returns readme with the text between Begin and End replaced by table.
func Splice(readme, table string) (string, error) {
	i, j := strings.Index(readme, Begin), strings.Index(readme, End)
	if i < 0 || j < i {
		return "", fmt.Errorf("README: want the lines %q and %q around the values table", Begin, End)
	}
	return readme[:i+len(Begin)] + "\n\n" + table + "\n" + readme[j:], nil
}
