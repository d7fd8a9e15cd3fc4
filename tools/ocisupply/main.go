// Copyright 2026, airgap-platform authors.

// ocisupply moves the platform's charts, images and artifacts by digest, with go-containerregistry's
// remote and layout packages: it resolves upstream digests for the lock, copies everything locked into
// one OCI image layout (the bundle), verifies a bundle, and seeds a registry from it.
//
// Requests arrive as JSON on stdin, results leave as JSON on stdout, progress goes to stderr. The
// TypeScript side (supply/) owns the lock and the plan; this program owns every registry transfer.
//
//	ocisupply resolve                < request   upstream digests of images, artifacts and packaged charts
//	ocisupply bundle                 < request   copies a plan into a layout, resumable, then verifies it
//	ocisupply verify --layout DIR                every blob, manifest, the lock and the sha256 list
//	ocisupply seed --layout DIR --registry HOST:PORT --lock-sha256 HEX [--plain-http] [--jobs N]
//	ocisupply blob --layout DIR --ref INTERNAL --media-type TYPE   path of one layer blob (Trivy DB)
//	ocisupply docker-archive --layout DIR --ref INTERNAL --tag NAME:TAG --out FILE   a `docker save` tarball
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

// commands maps each command to what runs it.
var commands = map[string]func(args []string) error{
	"resolve":        runResolve,
	"bundle":         runBundle,
	"verify":         runVerify,
	"seed":           runSeed,
	"blob":           runBlob,
	"docker-archive": runDockerArchive,
}

func main() {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(os.Args) < 2 {
		fail(2, "usage: ocisupply %s [flags]", strings.Join(names, "|"))
	}
	run, ok := commands[os.Args[1]]
	if !ok {
		fail(2, "unknown command %q: want one of %s", os.Args[1], strings.Join(names, ", "))
	}
	if err := run(os.Args[2:]); err != nil {
		switch err.(type) {
		case refusal:
			fail(3, "%v", err)
		case corruption:
			fail(4, "%v", err)
		default:
			fail(1, "%v", err)
		}
	}
}

// refusal is an error about the input (a bad bundle, a bundle for another lock): exit code 3, and
// nothing was written to any registry.
type refusal struct{ msg string }

func (r refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return refusal{fmt.Sprintf(format, args...)} }

// corruption is a blob of the bundle found, once the seed has started its uploads, not to match its digest: exit
// code 4. No upload was committed and no manifest or tag pushed (each upload's commit waits until every blob
// matched), unless the blob changed after the seed had verified it: the registry refuses it, and the message says so.
type corruption struct{ msg string }

func (c corruption) Error() string { return c.msg }

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ocisupply: "+format+"\n", args...)
	os.Exit(code)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// readRequest reads a command's JSON request from stdin; such a command takes no flags.
func readRequest(command string, args []string, into any) error {
	if len(args) != 0 {
		return refuse("%s takes no flags; the request comes on stdin", command)
	}
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return refuse("reading the JSON request on stdin: %v", err)
	}
	return nil
}

func writeResult(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newFlags(command string) *flag.FlagSet {
	return flag.NewFlagSet("ocisupply "+command, flag.ContinueOnError)
}

func renameResult(from, to string, result any) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	return writeResult(result)
}
