// Copyright 2026, airgap-platform authors.

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
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
	// Checked is when the checks before any request (structure, manifests, lock) finished, in seconds.
	Checked   float64 `json:"checked"`
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

	// Up to the first request everything only reads: an incomplete bundle, a corrupted manifest, a bundle for
	// another lock or registry is refused before the registry is asked anything. Blobs are hashed as they upload.
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

	// One puller and one pusher for the whole run: each repository is pinged and authorised once.
	puller, err := remote.NewPuller(regs.options()...)
	if err != nil {
		return err
	}
	reads := regs.options(remote.Reuse(puller))
	checked := time.Since(start).Seconds()
	missing, err := missingArtifacts(regs, reads, arts, tags)
	if err != nil {
		return err
	}
	pusher, err := remote.NewPusher(regs.options()...)
	if err != nil {
		return err
	}
	out := seedResult{Digests: map[string]string{}, Pushed: []string{}, Tagged: []string{}}
	// Blobs first, all of them through one pool of `jobs` uploads (the registry skips none twice: each repository
	// and digest once), each verified as it is read (verifyingReader); a blob the registry already has is not
	// read at all. Manifests follow only once every blob arrived whole and verified.
	type upload struct {
		repo name.Repository
		blob v1.Descriptor
		of   string
	}
	seen := map[string]bool{}
	var uploads []upload
	for i, a := range arts {
		out.Digests[a.Ref] = a.Desc.Digest.String()
		if !missing[i] {
			out.Present++
			continue
		}
		out.Pushed = append(out.Pushed, a.Ref)
		for _, b := range a.Content {
			if key := tags[i].Context().String() + "@" + b.Digest.String(); !seen[key] {
				seen[key] = true
				uploads = append(uploads, upload{tags[i].Context(), b, a.Ref})
			}
		}
	}
	var mu sync.Mutex
	err = inParallel(regs.ctx, *jobs, len(uploads), func(ctx context.Context, i int) error {
		u := uploads[i]
		layer, err := partial.CompressedToLayer(fileBlob{s, u.blob, u.of})
		if err != nil {
			return err
		}
		if err := pusher.Upload(ctx, u.repo, layer); err != nil {
			var bad corruption
			if errors.As(err, &bad) {
				return bad
			}
			return fmt.Errorf("pushing blob %s to %s: %w", u.blob.Digest, u.repo, err)
		}
		mu.Lock()
		out.Bytes += u.blob.Size
		mu.Unlock()
		return nil
	})
	if err != nil {
		return err
	}
	// Then each entry's manifests, by tag. A missing entry is pushed whole (go-containerregistry writes an
	// index's manifests by digest before the index, so the tag appears only once the entry is complete); a
	// present entry's tag is set only where it does not already point at the locked digest.
	err = inParallel(regs.ctx, *jobs, len(arts), func(ctx context.Context, i int) error {
		a := arts[i]
		if !missing[i] {
			have, err := remote.Head(tags[i], reads...)
			if err == nil && have.Digest == a.Desc.Digest {
				return nil
			}
			if err != nil && !isNotFound(err) {
				return fmt.Errorf("checking tag %s: %w", a.Ref, err)
			}
		}
		t, err := taggable(root_, a.Desc)
		if err != nil {
			return err
		}
		if err := pusher.Push(ctx, tags[i], t); err != nil {
			return fmt.Errorf("pushing %s: %w", a.Ref, err)
		}
		mu.Lock()
		out.Tagged = append(out.Tagged, a.Ref)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(out.Pushed)
	sort.Strings(out.Tagged)
	out.Seconds = time.Since(start).Seconds()
	out.Checked = checked
	out.MaxRssKiB = maxRssKiB()
	return writeResult(out)
}

// missingArtifacts asks the registry for each manifest by digest. A registry accepts a manifest only
// once every blob it references is present, so a manifest found means the whole artifact is there.
func missingArtifacts(regs *registries, reads []remote.Option, arts []artifact, tags []name.Tag) ([]bool, error) {
	missing := make([]bool, len(arts))
	return missing, inParallel(regs.ctx, regs.jobs, len(arts), func(_ context.Context, i int) error {
		_, err := remote.Head(tags[i].Context().Digest(arts[i].Desc.Digest.String()), reads...)
		switch {
		case err == nil:
		case isNotFound(err):
			missing[i] = true
		default:
			return fmt.Errorf("asking %s for %s: %w", tags[i].RegistryStr(), arts[i].Ref, err)
		}
		return nil
	})
}

// inParallel runs f for 0..n-1, at most jobs at a time, and returns the first error.
func inParallel(ctx context.Context, jobs, n int, f func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for i := 0; i < n; i++ {
		g.Go(func() error { return f(ctx, i) })
	}
	return g.Wait()
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

// fileBlob is one blob of the bundle as a layer that remote can upload, read from its file as it goes and
// verified on the way.
type fileBlob struct {
	s  *store
	d  v1.Descriptor
	of string
}

func (b fileBlob) Digest() (v1.Hash, error)            { return b.d.Digest, nil }
func (b fileBlob) Size() (int64, error)                { return b.d.Size, nil }
func (b fileBlob) MediaType() (types.MediaType, error) { return b.d.MediaType, nil }
func (b fileBlob) Compressed() (io.ReadCloser, error) {
	f, err := os.Open(b.s.blobPath(b.d.Digest))
	if err != nil {
		return nil, err
	}
	return &verifyingReader{file: f, want: b.d, of: b.of, hash: sha256.New(), left: b.d.Size}, nil
}

// verifyingReader reads a blob for its upload, hashing it on the way, and hands over the bytes of its last
// read only once the whole blob matches its descriptor (size and sha256). A blob that does not match therefore
// never reaches the registry whole: its upload stops short and is never committed, whatever the registry checks.
type verifyingReader struct {
	file     *os.File
	want     v1.Descriptor
	of       string
	hash     hash.Hash
	left     int64
	verified bool
}

func (r *verifyingReader) Read(p []byte) (int, error) {
	if r.verified {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := io.ReadFull(r.file, p)
	r.hash.Write(p[:n])
	r.left -= int64(n)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return 0, r.corrupted(fmt.Sprintf("has %d bytes, the manifest says %d", r.want.Size-r.left, r.want.Size))
	case err != nil:
		return 0, err
	case r.left > 0:
		return n, nil
	}
	if extra, _ := r.file.Read(make([]byte, 1)); extra > 0 {
		return 0, r.corrupted(fmt.Sprintf("is longer than the %d bytes the manifest says", r.want.Size))
	}
	if got := hex.EncodeToString(r.hash.Sum(nil)); got != r.want.Digest.Hex {
		return 0, r.corrupted("has sha256 " + got)
	}
	r.verified = true
	return n, nil
}

func (r *verifyingReader) Close() error { return r.file.Close() }

func (r *verifyingReader) corrupted(what string) error {
	return corruption{fmt.Sprintf("corrupted bundle: blob %s of %s %s (found while uploading it: that upload was stopped before its last byte, and no manifest or tag was pushed)", r.want.Digest, r.of, what)}
}
