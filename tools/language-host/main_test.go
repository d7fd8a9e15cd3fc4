// Copyright 2026, airgap-platform authors.

package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRuntimeFlags(t *testing.T) {
	for _, c := range []struct {
		name, project string
		flags         []string
		problem       string
	}{
		{"a runtime name alone", "name: p\nruntime: nodejs\n", nil, ""},
		{"no options", "runtime:\n  name: nodejs\n", nil, ""},
		{"compiled program", "runtime:\n  name: nodejs\n  options:\n    typescript: false\n", []string{"-typescript=false"}, ""},
		{"every option the host knows, others left out", "runtime:\n  name: nodejs\n  options:\n    packagemanager: npm\n    typescript: true\n    nodeargs: --max-old-space-size=4096 --trace-warnings\n    tsconfig: tsconfig.build.json\n",
			[]string{"-typescript=true", "-nodeargs=--max-old-space-size=4096 --trace-warnings", "-tsconfig=tsconfig.build.json"}, ""},
		{"flow style", "runtime: {name: nodejs, options: {typescript: false}}\n", []string{"-typescript=false"}, ""},
		{"typescript not a bool", "runtime:\n  name: nodejs\n  options:\n    typescript: \"no\"\n", nil, `runtime.options.typescript: "no" is not allowed: write true or false`},
		{"nodeargs not a string", "runtime:\n  name: nodejs\n  options:\n    nodeargs: [a, b]\n", nil, "runtime.options.nodeargs: must be a string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			flags, err := runtimeFlags([]byte(c.project))
			if c.problem != "" {
				if err == nil || !strings.Contains(err.Error(), c.problem) {
					t.Fatalf("error %v, want one containing %q", err, c.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(flags, c.flags) {
				t.Fatalf("flags %q, want %q", flags, c.flags)
			}
		})
	}
}

// The project file is found from the working directory upwards, as the CLI finds it; outside a project there are no flags.
func TestProjectFlagsFindsTheProjectAbove(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "Pulumi.yaml"), []byte("runtime:\n  name: nodejs\n  options:\n    typescript: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	below := filepath.Join(root, "dist", "lib")
	if err := os.MkdirAll(below, 0o755); err != nil {
		t.Fatal(err)
	}
	flags, err := projectFlags(below)
	if err != nil || !reflect.DeepEqual(flags, []string{"-typescript=false"}) {
		t.Fatalf("flags %q, error %v", flags, err)
	}
	bad := filepath.Join(root, "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "Pulumi.yml"), []byte("runtime: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := projectFlags(bad); err == nil || !strings.Contains(err.Error(), filepath.Join(bad, "Pulumi.yml")) {
		t.Fatalf("a broken project file: error %v, want one naming it", err)
	}
}
