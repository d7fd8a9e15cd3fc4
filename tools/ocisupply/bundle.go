// Copyright 2026, airgap-platform authors.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"
)

type bundleRequest struct {
	Layout    string       `json:"layout"`
	LockFile  string       `json:"lockFile"`
	PlainHTTP []string     `json:"plainHttp"`
	Jobs      int          `json:"jobs"`
	Items     []bundleItem `json:"items"`
}

// bundleItem is one locked chart, image or artifact and the digest its internal tag must point at.
type bundleItem struct {
	Kind      string             `json:"kind"`
	Internal  string             `json:"internal"`
	Source    string             `json:"source"`
	Digest    string             `json:"digest"`
	Manifests []platformManifest `json:"manifests,omitempty"`
	Chart     *chartRequest      `json:"chart,omitempty"`
}

type bundleResult struct {
	Artifacts    int   `json:"artifacts"`
	Blobs        int   `json:"blobs"`
	Bytes        int64 `json:"bytes"`
	FetchedBlobs int64 `json:"fetchedBlobs"`
	FetchedBytes int64 `json:"fetchedBytes"`
	MaxRssKiB    int64 `json:"maxRssKiB"`
}

// pending is a blob still to fetch from an upstream repository.
type pending struct {
	repo name.Repository
	desc v1.Descriptor
	of   string
}

type bundler struct {
	regs    *registries
	store   *store
	mu      sync.Mutex
	queue   map[v1.Hash]pending
	fetched atomic.Int64
	bytes   atomic.Int64
}

func runBundle(args []string) error {
	var req bundleRequest
	if err := readRequest("bundle", args, &req); err != nil {
		return err
	}
	if req.Layout == "" || req.LockFile == "" {
		return refuse("bundle needs layout and lockFile")
	}
	lockRaw, err := os.ReadFile(req.LockFile)
	if err != nil {
		return refuse("reading the lock: %v", err)
	}
	s, err := createStore(req.Layout)
	if err != nil {
		return err
	}
	b := &bundler{regs: newRegistries(context.Background(), req.PlainHTTP, req.Jobs), store: s, queue: map[v1.Hash]pending{}}

	// Manifests first (small, and they name the blobs), then every missing blob in parallel.
	var entries []v1.Descriptor
	for _, item := range req.Items {
		top, err := b.plan(item)
		if err != nil {
			return fmt.Errorf("%s %s: %w", item.Kind, item.Internal, err)
		}
		top.Annotations = map[string]string{annotationRef: item.Internal, annotationKind: item.Kind, annotationSource: item.Source}
		entries = append(entries, top)
	}
	if err := b.fetchAll(); err != nil {
		return err
	}

	// The lock travels with the bundle; index.json records its digest, sha256sums lists every file.
	lockHash, _, err := v1.SHA256(bytes.NewReader(lockRaw))
	if err != nil {
		return err
	}
	if err := s.path.WriteFile(lockFileName, lockRaw, 0o644); err != nil {
		return err
	}
	if err := s.writeIndex(entries, lockHash.Hex); err != nil {
		return err
	}
	_, arts, err := s.inspect()
	if err != nil {
		return err
	}
	unique := blobsOf(arts)
	_, total := bundleSize(arts)
	sums, err := s.sums(unique)
	if err != nil {
		return err
	}
	if err := s.path.WriteFile(sumsFileName, sums, 0o644); err != nil {
		return err
	}
	// Verified as written: blobs fetched now were hashed on the way in, those found on disk are hashed now.
	if _, _, err := s.verify(b.regs.jobs); err != nil {
		return err
	}
	_ = os.RemoveAll(filepath.Join(s.root, partialDir))
	return writeResult(bundleResult{
		Artifacts: len(arts), Blobs: len(unique), Bytes: total,
		FetchedBlobs: b.fetched.Load(), FetchedBytes: b.bytes.Load(), MaxRssKiB: maxRssKiB(),
	})
}

// plan writes the item's manifests into the layout (fetching those not already complete) and queues
// the blobs they reference. It returns the descriptor the internal tag points at.
func (b *bundler) plan(item bundleItem) (v1.Descriptor, error) {
	want, err := v1.NewHash(item.Digest)
	if err != nil {
		return v1.Descriptor{}, refuse("digest %q: %v (resolve the lock first: npm run artifacts:find -- --write)", item.Digest, err)
	}
	var top v1.Descriptor
	switch item.Kind {
	case "chart":
		if item.Chart == nil {
			return v1.Descriptor{}, refuse("chart entry without its packaged chart")
		}
		top, err = b.planChart(*item.Chart)
	case "image":
		top, err = b.planImage(item)
	case "artifact":
		repo, rerr := b.regs.repository(item.Source)
		if rerr != nil {
			return v1.Descriptor{}, rerr
		}
		top, err = b.planManifest(repo, v1.Descriptor{Digest: want}, item.Internal)
	default:
		return v1.Descriptor{}, refuse("unknown kind %q", item.Kind)
	}
	if err != nil {
		return v1.Descriptor{}, err
	}
	if top.Digest != want {
		return v1.Descriptor{}, refuse("made %s, but the lock says %s: the lock is stale (run npm run artifacts:find -- --write)", top.Digest, want)
	}
	return top, nil
}

func (b *bundler) planImage(item bundleItem) (v1.Descriptor, error) {
	if len(item.Manifests) == 0 {
		return v1.Descriptor{}, refuse("no platform manifest is locked")
	}
	repo, err := b.regs.repository(item.Source)
	if err != nil {
		return v1.Descriptor{}, err
	}
	var locked []platformManifest
	for _, m := range item.Manifests {
		h, err := v1.NewHash(m.Digest)
		if err != nil {
			return v1.Descriptor{}, refuse("%s manifest digest %q: %v", m.Platform, m.Digest, err)
		}
		d, err := b.planManifest(repo, v1.Descriptor{Digest: h}, item.Internal)
		if err != nil {
			return v1.Descriptor{}, err
		}
		if !d.MediaType.IsImage() {
			return v1.Descriptor{}, refuse("%s manifest %s is a %s, not an image manifest", m.Platform, h, d.MediaType)
		}
		locked = append(locked, platformManifest{Platform: m.Platform, Digest: m.Digest, Size: d.Size, MediaType: d.MediaType})
	}
	digest, raw, mediaType, err := internalTarget(locked)
	if err != nil {
		return v1.Descriptor{}, err
	}
	if raw == nil {
		return v1.Descriptor{MediaType: mediaType, Digest: digest, Size: locked[0].Size}, nil
	}
	d, err := b.store.writeBytes(raw)
	d.MediaType = mediaType
	return d, err
}

// planManifest makes sure a manifest (or index, recursively) is in the layout and queues its blobs.
func (b *bundler) planManifest(repo name.Repository, d v1.Descriptor, of string) (v1.Descriptor, error) {
	var raw []byte
	if b.store.complete(v1.Descriptor{Digest: d.Digest}) {
		var err error
		if raw, err = os.ReadFile(b.store.blobPath(d.Digest)); err != nil {
			return v1.Descriptor{}, err
		}
	} else {
		got, err := remote.Get(repo.Digest(d.Digest.String()), b.regs.options()...)
		if err != nil {
			return v1.Descriptor{}, err
		}
		raw = got.Manifest
		n, err := b.store.writeBlob(v1.Descriptor{Digest: d.Digest, Size: int64(len(raw))}, bytes.NewReader(raw))
		if err != nil {
			return v1.Descriptor{}, err
		}
		b.fetched.Add(1)
		b.bytes.Add(n)
	}
	d.Size = int64(len(raw))
	d.MediaType = manifestMediaType(raw)
	children, blobs, err := manifestBlobs(raw, d.MediaType)
	if err != nil {
		return v1.Descriptor{}, err
	}
	for _, c := range children {
		if _, err := b.planManifest(repo, c, of); err != nil {
			return v1.Descriptor{}, err
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, bl := range blobs {
		if bl.MediaType.IsDistributable() {
			b.queue[bl.Digest] = pending{repo: repo, desc: bl, of: of}
		}
	}
	return d, nil
}

func (b *bundler) planChart(c chartRequest) (v1.Descriptor, error) {
	tgz, err := fileDescriptor(c.Tgz)
	if err != nil {
		return v1.Descriptor{}, err
	}
	if !b.store.complete(tgz) {
		f, err := os.Open(c.Tgz)
		if err != nil {
			return v1.Descriptor{}, err
		}
		_, err = b.store.writeBlob(tgz, f)
		f.Close()
		if err != nil {
			return v1.Descriptor{}, err
		}
	}
	if _, err := b.store.writeBytes(c.Config); err != nil {
		return v1.Descriptor{}, err
	}
	raw, _, err := chartManifest(c.Config, tgz, c.Name, c.Version)
	if err != nil {
		return v1.Descriptor{}, err
	}
	d, err := b.store.writeBytes(raw)
	d.MediaType = types.OCIManifestSchema1
	return d, err
}

// fetchAll downloads every queued blob that is not complete on disk yet.
func (b *bundler) fetchAll() error {
	g := new(errgroup.Group)
	g.SetLimit(b.regs.jobs)
	for _, p := range b.queue {
		if b.store.complete(p.desc) {
			continue
		}
		g.Go(func() error {
			layer, err := remote.Layer(p.repo.Digest(p.desc.Digest.String()), b.regs.options()...)
			if err != nil {
				return fmt.Errorf("%s: blob %s: %w", p.of, p.desc.Digest, err)
			}
			rc, err := layer.Compressed()
			if err != nil {
				return fmt.Errorf("%s: blob %s: %w", p.of, p.desc.Digest, err)
			}
			defer rc.Close()
			n, err := b.store.writeBlob(p.desc, rc)
			if err != nil {
				return fmt.Errorf("%s: %w", p.of, err)
			}
			b.fetched.Add(1)
			b.bytes.Add(n)
			progress("fetched %s %d bytes (%s)", p.desc.Digest, n, p.of)
			return nil
		})
	}
	return g.Wait()
}

// manifestMediaType reads a manifest's own mediaType field; OCI manifests may omit it.
func manifestMediaType(raw []byte) types.MediaType {
	var probe struct {
		MediaType types.MediaType   `json:"mediaType"`
		Manifests []json.RawMessage `json:"manifests"`
	}
	_ = json.Unmarshal(raw, &probe)
	switch {
	case probe.MediaType != "":
		return probe.MediaType
	case probe.Manifests != nil:
		return types.OCIImageIndex
	default:
		return types.OCIManifestSchema1
	}
}
