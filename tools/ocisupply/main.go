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
//	ocisupply seed --layout DIR --registry HOST:PORT --lock-sha256 HEX [--plain-http]
//	ocisupply blob --layout DIR --ref INTERNAL --media-type TYPE   path of one layer blob (Trivy DB)
//	ocisupply docker-archive --layout DIR --ref INTERNAL --tag NAME:TAG --out FILE   a `docker save` tarball
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fail(2, "usage: ocisupply resolve|bundle|verify|seed|blob|docker-archive [flags]")
	}
	var err error
	switch os.Args[1] {
	case "resolve":
		err = runResolve(os.Args[2:])
	case "bundle":
		err = runBundle(os.Args[2:])
	case "verify":
		err = runVerify(os.Args[2:])
	case "seed":
		err = runSeed(os.Args[2:])
	case "blob":
		err = runBlob(os.Args[2:])
	case "docker-archive":
		err = runDockerArchive(os.Args[2:])
	default:
		fail(2, "unknown command %q: want resolve, bundle, verify, seed, blob or docker-archive", os.Args[1])
	}
	if err != nil {
		code := 1
		if _, refused := err.(refusal); refused {
			code = 3
		}
		fail(code, "%v", err)
	}
}

// refusal is an error about the input (a bad bundle, a bundle for another lock): exit code 3, and
// nothing was written to any registry.
type refusal struct{ msg string }

func (r refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return refusal{fmt.Sprintf(format, args...)} }

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ocisupply: "+format+"\n", args...)
	os.Exit(code)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func readRequest(into any) error {
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
