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
	"sync/atomic"
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
	Checked float64 `json:"checked"`
	// Verified is when every blob to upload had matched, and Held the longest an upload's last read waited for
	// that, in seconds (0 when no upload reached its end before).
	Verified  float64 `json:"verified"`
	Held      float64 `json:"held"`
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
	// another lock or registry is refused before the registry is asked anything. Blobs are hashed beside the uploads.
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
	// Blobs first, all of them through one pool of `jobs` uploads (each repository and digest once), each hashed
	// as it streams. Beside them, from the start, a pass hashes the blobs whose upload has not begun (verification);
	// every upload's last read waits until all blobs matched (verifyingReader), so none is committed before. A blob
	// the registry already has is not read at all. Manifests follow only once every blob arrived whole.
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
	// Largest first: an upload that reaches its last read before all blobs matched holds its transfer until then,
	// and a small blob would get there at once; the largest also set how long the uploads take in all.
	sort.SliceStable(uploads, func(i, j int) bool { return uploads[i].blob.Size > uploads[j].blob.Size })
	ctx, cancel := context.WithCancelCause(regs.ctx)
	defer cancel(nil)
	present := func(ctx context.Context, u upload) bool {
		l, err := puller.Layer(ctx, u.repo.Digest(u.blob.Digest.String()))
		if err != nil {
			return false
		}
		have, err := partial.Exists(l)
		return err == nil && have
	}
	pass := startVerification(ctx, cancel, s, uploads, present, start)
	var mu sync.Mutex
	err = inParallel(ctx, *jobs, len(uploads), func(ctx context.Context, i int) error {
		u := uploads[i]
		pass.begin(i)
		layer, err := partial.CompressedToLayer(fileBlob{s, u, ctx, pass})
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
		// Uploaded after every blob matched, or found in the registry without reading it.
		pass.settle(i)
		mu.Lock()
		out.Bytes += u.blob.Size
		mu.Unlock()
		return nil
	})
	if err != nil {
		pass.fail(err) // unless the verification ended already: then its own error (or success) stands
	}
	<-pass.done
	if pass.err != nil {
		return pass.err
	}
	if err != nil {
		return err
	}
	out.Verified, out.Held = pass.finished.Seconds(), time.Duration(pass.held.Load()).Seconds()
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

// upload is one blob to push into one repository; of names an entry that uses it (for messages).
type upload struct {
	repo name.Repository
	blob v1.Descriptor
	of   string
}

// verification knows, for the uploads of one seed, which blobs are known to match: each is hashed either by the
// pass, which runs beside the uploads from the last one backwards and leaves a blob whose upload has begun to
// that upload's reader, or by that reader. A blob the registry already has needs neither. done is closed once:
// when every upload is settled so (err nil), or when a blob does not match or an upload failed (err).
type verification struct {
	uploads  []upload
	stop     context.CancelCauseFunc
	start    time.Time
	mu       sync.Mutex
	begun    []bool
	settled  []bool
	left     int
	over     bool
	done     chan struct{}
	err      error
	finished time.Duration
	// held is the longest an upload's last read waited for the others, in nanoseconds.
	held atomic.Int64
}

// startVerification starts the pass over the uploads; a blob that does not match cancels them (stop).
func startVerification(ctx context.Context, stop context.CancelCauseFunc, s *store, uploads []upload, present func(context.Context, upload) bool, start time.Time) *verification {
	v := &verification{uploads: uploads, stop: stop, start: start, begun: make([]bool, len(uploads)),
		settled: make([]bool, len(uploads)), left: len(uploads), done: make(chan struct{})}
	v.mu.Lock()
	v.endIfSettled()
	v.mu.Unlock()
	// One goroutine: hashing on one core outruns the uploads several times; a second would take CPU from them.
	go func() {
		for i := len(uploads) - 1; i >= 0 && ctx.Err() == nil; i-- {
			u := uploads[i]
			v.mu.Lock()
			leave := v.begun[i] || v.settled[i]
			v.mu.Unlock()
			if leave {
				continue
			}
			if present(ctx, u) {
				v.settle(i)
				continue
			}
			what, err := s.mismatch(u.blob.Digest)
			switch {
			case err != nil:
				v.fail(fmt.Errorf("reading blob %s of %s: %w (no blob of this seed was committed, no manifest or tag was pushed)", u.blob.Digest, u.of, err))
			case what != "":
				v.fail(corrupted(u, what, false))
			default:
				v.match(u.blob.Digest)
			}
		}
	}()
	return v
}

// begin marks an upload as begun: its own reader hashes its blob, so the pass leaves it.
func (v *verification) begin(i int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.begun[i] = true
}

// settle marks an upload whose blob needs no more checking.
func (v *verification) settle(i int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.settleLocked(i)
}

// match records a blob hashed to its digest: every upload of it is settled.
func (v *verification) match(d v1.Hash) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for i, u := range v.uploads {
		if u.blob.Digest == d {
			v.settleLocked(i)
		}
	}
}

func (v *verification) settleLocked(i int) {
	if !v.settled[i] {
		v.settled[i] = true
		v.left--
		v.endIfSettled()
	}
}

func (v *verification) endIfSettled() {
	if v.left == 0 && !v.over {
		v.over, v.finished = true, time.Since(v.start)
		close(v.done)
	}
}

// fail ends the verification with err, unless it already ended, and cancels the uploads.
func (v *verification) fail(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.over {
		v.over, v.err, v.finished = true, err, time.Since(v.start)
		close(v.done)
		v.stop(err)
	}
}

// wait holds until every upload is settled or the verification failed (its error), or ctx is cancelled.
func (v *verification) wait(ctx context.Context) error {
	began := time.Now()
	select {
	case <-v.done:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	for held := int64(time.Since(began)); ; {
		was := v.held.Load()
		if held <= was || v.held.CompareAndSwap(was, held) {
			break
		}
	}
	return v.err
}

// passed is true once every upload is settled.
func (v *verification) passed() bool {
	select {
	case <-v.done:
		return v.err == nil
	default:
		return false
	}
}

// corrupted is the error for a blob of the bundle that does not match its digest. Before every upload was settled
// none has handed over its last byte, so nothing of the seed is stored; after that, the blob changed since.
func corrupted(u upload, what string, afterPass bool) error {
	if afterPass {
		return corruption{fmt.Sprintf("corrupted bundle: blob %s of %s %s, but it matched when the seed verified every blob: it changed while the seed ran (its upload stopped before its last byte and no manifest or tag was pushed; blobs that completed before it stay in the registry, unreferenced)", u.blob.Digest, u.of, what)}
	}
	return corruption{fmt.Sprintf("corrupted bundle: blob %s of %s %s (nothing of this seed was stored: no blob was committed, no manifest or tag was pushed)", u.blob.Digest, u.of, what)}
}

// fileBlob is one blob of the bundle as a layer that remote can upload, read from its file as it goes and
// verified on the way.
type fileBlob struct {
	s    *store
	u    upload
	ctx  context.Context
	pass *verification
}

func (b fileBlob) Digest() (v1.Hash, error)            { return b.u.blob.Digest, nil }
func (b fileBlob) Size() (int64, error)                { return b.u.blob.Size, nil }
func (b fileBlob) MediaType() (types.MediaType, error) { return b.u.blob.MediaType, nil }
func (b fileBlob) Compressed() (io.ReadCloser, error) {
	f, err := os.Open(b.s.blobPath(b.u.blob.Digest))
	if err != nil {
		return nil, err
	}
	return &verifyingReader{blobFile: b, file: f, hash: sha256.New(), left: b.u.blob.Size}, nil
}

// verifyingReader reads a blob for its upload, hashing it on the way, and hands over the bytes of its last
// read only once the whole blob matches its descriptor (size and sha256) and the pass over every blob of the
// seed matched too. Until then the registry has no whole blob to commit, whatever it checks.
type verifyingReader struct {
	blobFile fileBlob
	file     *os.File
	hash     hash.Hash
	left     int64
	verified bool
}

func (r *verifyingReader) Read(p []byte) (int, error) {
	if r.verified {
		return 0, io.EOF
	}
	b := r.blobFile
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := io.ReadFull(r.file, p)
	r.hash.Write(p[:n])
	r.left -= int64(n)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return 0, r.corrupted(fmt.Sprintf("has %d bytes, the manifest says %d", b.u.blob.Size-r.left, b.u.blob.Size))
	case err != nil:
		return 0, err
	case r.left > 0:
		return n, nil
	}
	if extra, _ := r.file.Read(make([]byte, 1)); extra > 0 {
		return 0, r.corrupted(fmt.Sprintf("is longer than the %d bytes the manifest says", b.u.blob.Size))
	}
	if got := hex.EncodeToString(r.hash.Sum(nil)); got != b.u.blob.Digest.Hex {
		return 0, r.corrupted("has sha256 " + got)
	}
	b.pass.match(b.u.blob.Digest)
	if err := b.pass.wait(b.ctx); err != nil {
		return 0, err
	}
	r.verified = true
	return n, nil
}

func (r *verifyingReader) Close() error { return r.file.Close() }

func (r *verifyingReader) corrupted(what string) error {
	return corrupted(r.blobFile.u, what, r.blobFile.pass.passed())
}
