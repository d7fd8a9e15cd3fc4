// Copyright 2026, airgap-platform authors.

// pulumi-language-nodejs as the toolchain installs it: reads the project's runtime options and starts the
// nodejs language host built here with them as flags.
//
// The host built from Go modules is sdk/v3 v3.68.0's (later hosts live in a module the proxy does not
// serve). It takes the project's runtime options as command-line flags (-typescript, -nodeargs,
// -tsconfig), defaulting typescript to true. The CLI (3.2xx) starts every language host with the engine
// address only and sends the options inside its Run request, which that host predates. Without this
// wrapper `typescript: false` is ignored and every run registers ts-node (loading TypeScript and hooking
// every stack trace) for a program that is already JavaScript.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"gopkg.in/yaml.v3"
)

// hostFile is the real host's file name, installed beside this wrapper.
const hostFile = "pulumi-language-nodejs-host"

// projectFiles are the names the CLI accepts for a project file, in its order.
var projectFiles = []string{"Pulumi.yaml", "Pulumi.yml"}

func main() {
	self, err := os.Executable()
	if err != nil {
		fail(fmt.Errorf("cannot find this program's own file: %w", err))
	}
	dir, err := os.Getwd()
	if err != nil {
		fail(fmt.Errorf("cannot read the working directory: %w", err))
	}
	flags, err := projectFlags(dir)
	if err != nil {
		fail(err)
	}
	host := filepath.Join(filepath.Dir(self), hostFile)
	argv := append(append([]string{host}, flags...), os.Args[1:]...)
	if err := syscall.Exec(host, argv, os.Environ()); err != nil {
		fail(fmt.Errorf("cannot start the language host %s: %w", host, err))
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
	os.Exit(1)
}

// projectFlags finds the project file from dir upwards, as the CLI does, and turns its nodejs runtime
// options into the host's flags. No project file (a command that runs outside a project): no flags.
func projectFlags(dir string) ([]string, error) {
	for {
		for _, name := range projectFiles {
			file := filepath.Join(dir, name)
			text, err := os.ReadFile(file)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			flags, err := runtimeFlags(text)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			return flags, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, nil
		}
		dir = parent
	}
}

// runtimeFlags reads `runtime` of a project file: a name alone, or {name, options}. Only the options this
// host knows become flags; others (such as packagemanager) mean nothing to it and are left out.
func runtimeFlags(text []byte) ([]string, error) {
	var project struct {
		Runtime yaml.Node `yaml:"runtime"`
	}
	if err := yaml.Unmarshal(text, &project); err != nil {
		return nil, err
	}
	if project.Runtime.Kind != yaml.MappingNode {
		return nil, nil
	}
	var runtime struct {
		Options map[string]yaml.Node `yaml:"options"`
	}
	if err := project.Runtime.Decode(&runtime); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	var flags []string
	for _, option := range []struct {
		key, kind string
	}{{"typescript", "bool"}, {"nodeargs", "string"}, {"tsconfig", "string"}} {
		node, ok := runtime.Options[option.key]
		if !ok {
			continue
		}
		value, err := scalar(node, option.kind)
		if err != nil {
			return nil, fmt.Errorf("runtime.options.%s: %w", option.key, err)
		}
		flags = append(flags, "-"+option.key+"="+value)
	}
	return flags, nil
}

// scalar is a node's value as the flag takes it: true/false for a bool, the text for a string.
func scalar(node yaml.Node, kind string) (string, error) {
	switch kind {
	case "bool":
		var b bool
		if node.Kind != yaml.ScalarNode || node.Tag != "!!bool" || node.Decode(&b) != nil {
			return "", fmt.Errorf("%q is not allowed: write true or false", node.Value)
		}
		return fmt.Sprint(b), nil
	default:
		if node.Kind != yaml.ScalarNode {
			return "", errors.New("must be a string")
		}
		return node.Value, nil
	}
}
