// Copyright 2026, airgap-platform authors.

package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"golang.org/x/sync/errgroup"
)

type seedResult struct {
	// Digests maps each internal reference (registry/repository:tag) to the digest its tag points at.
	Digests map[string]string `json:"digests"`
	// Pushed lists the artifacts whose manifests were missing and got pushed, Tagged the tags set.
	Pushed  []string `json:"pushed"`
	Tagged  []string `json:"tagged"`
	Present int      `json:"present"`
	Bytes   int64    `json:"bytes"`
	Seconds float64  `json:"seconds"`
	// Verified is when the last check before any push finished, in seconds from the start.
	Verified  float64 `json:"verified"`
	MaxRssKiB int64   `json:"maxRssKiB"`
}

func runSeed(args []string) error {
	fs := newFlags("seed")
	root := fs.String("layout", "", "bundle folder")
	registry := fs.String("registry", "", "target registry host:port")
	lockSha := fs.String("lock-sha256", "", "sha256 of the lock the stack uses; a bundle made for another lock is refused")
	plainHTTP := fs.Bool("plain-http", false, "the target registry speaks plain HTTP")
	jobs := fs.Int("jobs", 4, "parallel transfers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" || *registry == "" || *lockSha == "" {
		return refuse("seed needs --layout, --registry and --lock-sha256")
	}
	start := time.Now()

	// Everything below up to the first push only reads: a bad bundle is refused before any write.
	s, err := openStore(*root)
	if err != nil {
		return err
	}
	madeFor, arts, err := s.check()
	if err != nil {
		return err
	}
	if madeFor != *lockSha {
		return refuse("the bundle in %s was made for the lock with sha256 %s, but the stack's lock has sha256 %s: make the bundle from this lock (npm run bundle) or use the lock it was made for", *root, madeFor, *lockSha)
	}
	var hosts []string
	if *plainHTTP {
		hosts = []string{*registry}
	}
	regs := newRegistries(context.Background(), hosts, *jobs)
	tags := make([]name.Tag, len(arts))
	for i, a := range arts {
		ref, err := regs.reference(a.Ref)
		if err != nil {
			return err
		}
		tag, ok := ref.(name.Tag)
		if !ok || ref.Context().RegistryStr() != *registry {
			return refuse("bundle entry %s is not a tag on %s: the bundle was made for another registry", a.Ref, *registry)
		}
		tags[i] = tag
	}
	root_, err := s.path.ImageIndex()
	if err != nil {
		return err
	}

	missing, err := missingArtifacts(regs, arts, tags)
	if err != nil {
		return err
	}
	// Every blob about to be pushed is hashed first; what the registry already holds is not used.
	var toPush []artifact
	for i, a := range arts {
		if missing[i] {
			toPush = append(toPush, a)
		}
	}
	if err := s.hashBlobs(toPush, *jobs); err != nil {
		return err
	}
	verified := time.Since(start).Seconds()
	pusher, err := remote.NewPusher(regs.options()...)
	if err != nil {
		return err
	}
	out := seedResult{Digests: map[string]string{}, Pushed: []string{}, Tagged: []string{}}
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(regs.ctx)
	g.SetLimit(*jobs)
	for i, a := range arts {
		out.Digests[a.Ref] = a.Desc.Digest.String()
		if !missing[i] {
			out.Present++
			continue
		}
		g.Go(func() error {
			t, err := taggable(root_, a.Desc)
			if err != nil {
				return err
			}
			// By digest first: the tag is set only once the whole artifact is in.
			if err := pusher.Push(ctx, tags[i].Context().Digest(a.Desc.Digest.String()), t); err != nil {
				return fmt.Errorf("pushing %s: %w", a.Ref, err)
			}
			mu.Lock()
			out.Pushed = append(out.Pushed, a.Ref)
			for _, b := range a.Blobs {
				out.Bytes += b.Size
			}
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, a := range arts {
		have, err := remote.Head(tags[i], regs.options()...)
		if err == nil && have.Digest == a.Desc.Digest {
			continue
		}
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("checking tag %s: %w", a.Ref, err)
		}
		t, err := taggable(root_, a.Desc)
		if err != nil {
			return err
		}
		if err := pusher.Push(regs.ctx, tags[i], t); err != nil {
			return fmt.Errorf("tagging %s: %w", a.Ref, err)
		}
		out.Tagged = append(out.Tagged, a.Ref)
	}
	sort.Strings(out.Pushed)
	out.Seconds = time.Since(start).Seconds()
	out.Verified = verified
	out.MaxRssKiB = maxRssKiB()
	return writeResult(out)
}

// missingArtifacts asks the registry for each manifest by digest. A registry accepts a manifest only
// once every blob it references is present, so a manifest found means the whole artifact is there.
func missingArtifacts(regs *registries, arts []artifact, tags []name.Tag) ([]bool, error) {
	missing := make([]bool, len(arts))
	g := new(errgroup.Group)
	g.SetLimit(regs.jobs)
	for i, a := range arts {
		g.Go(func() error {
			_, err := remote.Head(tags[i].Context().Digest(a.Desc.Digest.String()), regs.options()...)
			switch {
			case err == nil:
			case isNotFound(err):
				missing[i] = true
			default:
				return fmt.Errorf("asking %s for %s: %w", tags[i].RegistryStr(), a.Ref, err)
			}
			return nil
		})
	}
	return missing, g.Wait()
}

func isNotFound(err error) bool {
	var terr *transport.Error
	return errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound
}

// taggable reads one top-level entry of the layout as something remote can push.
func taggable(root v1.ImageIndex, d v1.Descriptor) (remote.Taggable, error) {
	if d.MediaType.IsIndex() {
		return root.ImageIndex(d.Digest)
	}
	return root.Image(d.Digest)
}

// maxRssKiB is this process's peak resident memory (VmHWM). Not getrusage: its maxrss keeps the parent's
// peak across fork and exec, so a helper started from Node would report Node's memory.
func maxRssKiB() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}
