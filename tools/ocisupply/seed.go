// Copyright 2026, airgap-platform authors.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
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
	// Verified is when the pass had matched every blob to upload (size and sha256), and Held the longest a blob's
	// commit waited for that, in seconds (0 when no commit came before).
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
	out, err := seed(*root, *registry, *lockSha, *plainHTTP, *jobs, remote.DefaultTransport)
	if err != nil {
		return err
	}
	return writeResult(out)
}

// seed copies the bundle in root into registry: every blob its missing entries need, then their manifests and tags.
// transport is remote's default; a test passes its own to act at a given moment of the run.
func seed(root, registry, lockSha string, plainHTTP bool, jobs int, transport http.RoundTripper) (seedResult, error) {
	start := time.Now()
	var none seedResult
	// Up to the first request everything only reads: an incomplete bundle, a corrupted manifest, a bundle for
	// another lock or registry is refused before the registry is asked anything. Blobs are hashed beside the uploads.
	s, err := openStore(root)
	if err != nil {
		return none, err
	}
	madeFor, arts, err := s.check()
	if err != nil {
		return none, err
	}
	if madeFor != lockSha {
		return none, refuse("the bundle in %s was made for the lock with sha256 %s, but the stack's lock has sha256 %s: make the bundle from this lock (npm run bundle) or use the lock it was made for", root, madeFor, lockSha)
	}
	var hosts []string
	if plainHTTP {
		hosts = []string{registry}
	}
	regs := newRegistries(context.Background(), hosts, jobs)
	tags := make([]name.Tag, len(arts))
	for i, a := range arts {
		ref, err := regs.reference(a.Ref)
		if err != nil {
			return none, err
		}
		tag, ok := ref.(name.Tag)
		if !ok || ref.Context().RegistryStr() != registry {
			return none, refuse("bundle entry %s is not a tag on %s: the bundle was made for another registry", a.Ref, registry)
		}
		tags[i] = tag
	}
	root_, err := s.path.ImageIndex()
	if err != nil {
		return none, err
	}

	// One puller and one pusher for the whole run: each repository is pinged and authorised once.
	puller, err := remote.NewPuller(regs.options(remote.WithTransport(transport))...)
	if err != nil {
		return none, err
	}
	reads := regs.options(remote.Reuse(puller))
	checked := time.Since(start).Seconds()
	missing, err := missingArtifacts(regs, reads, arts, tags)
	if err != nil {
		return none, err
	}
	out := seedResult{Digests: map[string]string{}, Pushed: []string{}, Tagged: []string{}}
	// Blobs first, all of them through one pool of `jobs` uploads (each repository and digest once), each sent from
	// its file as it is. Beside them a pass matches every blob to upload against its descriptor (verification), and
	// each upload's commit waits until the pass matched them all (commitHold): a bundle found corrupted leaves no
	// blob in the registry. The registry checks each blob's digest as it commits it, which catches a blob that
	// changed after the pass. A blob the registry already has is not read at all. Manifests follow only once every
	// blob arrived whole.
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
	// Largest first: an upload whose bytes are sent before the pass ended holds its transfer slot until then, and a
	// small blob would get there at once; the largest also set how long the uploads take in all.
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
	pusher, err := remote.NewPusher(regs.options(remote.WithTransport(commitHold{transport, pass}))...)
	if err != nil {
		return none, err
	}
	var mu sync.Mutex
	err = inParallel(ctx, jobs, len(uploads), func(ctx context.Context, i int) error {
		u := uploads[i]
		layer, err := partial.CompressedToLayer(fileBlob{s, u})
		if err != nil {
			return err
		}
		if err := pusher.Upload(ctx, u.repo, layer); err != nil {
			if changed := changedWhileSeeding(s, u, err); changed != nil {
				return changed
			}
			return fmt.Errorf("pushing blob %s to %s: %w", u.blob.Digest, u.repo, err)
		}
		mu.Lock()
		out.Bytes += u.blob.Size
		mu.Unlock()
		return nil
	})
	if err != nil {
		cancel(err) // ends the pass too
	}
	<-pass.done
	if pass.err != nil {
		return none, pass.err // a blob that did not match, else the uploads' error the pass was cancelled with
	}
	if err != nil {
		return none, err
	}
	out.Verified, out.Held = pass.finished.Seconds(), time.Duration(pass.held.Load()).Seconds()
	// Then each entry's manifests, by tag. A missing entry is pushed whole (go-containerregistry writes an
	// index's manifests by digest before the index, so the tag appears only once the entry is complete); a
	// present entry's tag is set only where it does not already point at the locked digest.
	err = inParallel(regs.ctx, jobs, len(arts), func(ctx context.Context, i int) error {
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
		return none, err
	}
	sort.Strings(out.Pushed)
	sort.Strings(out.Tagged)
	out.Seconds = time.Since(start).Seconds()
	out.Checked = checked
	out.MaxRssKiB = maxRssKiB()
	return out, nil
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

// verification is the pass that matches every blob to upload against its descriptor (size and sha256), beside the
// uploads; a blob the registry already has in that repository is not read. done is closed when the pass ended: err
// is nil when every blob matched, else the blob that did not, or the cause the seed was cancelled with.
type verification struct {
	done     chan struct{}
	err      error
	finished time.Duration
	// held is the longest a blob's commit waited for the pass, in nanoseconds.
	held atomic.Int64
}

// startVerification starts the pass over the uploads, in their order; a blob that does not match cancels them (stop).
// One goroutine: a second ended the pass sooner but did not make the seed faster (the registry needs both cores
// of the bench machine, and a commit rarely waits for the pass).
func startVerification(ctx context.Context, stop context.CancelCauseFunc, s *store, uploads []upload, present func(context.Context, upload) bool, start time.Time) *verification {
	v := &verification{done: make(chan struct{})}
	go func() {
		defer close(v.done)
		hashed := map[v1.Hash]bool{}
		for _, u := range uploads {
			if ctx.Err() != nil {
				v.err = context.Cause(ctx)
				break
			}
			// Each digest is hashed once, for the first repository that lacks it.
			if hashed[u.blob.Digest] || present(ctx, u) {
				continue
			}
			if v.err = verifyBlob(s, u); v.err != nil {
				break
			}
			hashed[u.blob.Digest] = true
		}
		v.finished = time.Since(start)
		if v.err != nil {
			stop(v.err)
		}
	}()
	return v
}

// wait holds until the pass ended (its error) or ctx is cancelled.
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

// verifyBlob hashes one blob of the bundle and refuses it unless it has its descriptor's size and sha256.
func verifyBlob(s *store, u upload) error {
	what, err := s.mismatch(u.blob)
	switch {
	case err != nil:
		return fmt.Errorf("reading blob %s of %s: %w (nothing of this seed was stored: no blob was committed, no manifest or tag was pushed)", u.blob.Digest, u.of, err)
	case what != "":
		return corrupted(u, what)
	}
	return nil
}

// corrupted is the error for a blob of the bundle that the pass found not to match its descriptor. No commit is sent
// before the pass matched every blob, so nothing of the seed is stored.
func corrupted(u upload, what string) error {
	return corruption{fmt.Sprintf("corrupted bundle: blob %s of %s %s (nothing of this seed was stored: no blob was committed, no manifest or tag was pushed)", u.blob.Digest, u.of, what)}
}

// changedWhileSeeding is the error for an upload that failed because its blob changed after the pass matched it:
// the registry refused the commit as not matching the digest (DIGEST_INVALID), or the file no longer has the size
// the upload announced. nil for any other failure.
func changedWhileSeeding(s *store, u upload, err error) error {
	what := "the registry refused it on commit: its bytes do not match that digest (DIGEST_INVALID)"
	var terr *transport.Error
	if !errors.As(err, &terr) || !slices.ContainsFunc(terr.Errors, func(d transport.Diagnostic) bool { return d.Code == transport.DigestInvalidErrorCode }) {
		st, serr := os.Stat(s.blobPath(u.blob.Digest))
		if serr != nil || st.Size() == u.blob.Size {
			return nil
		}
		what = fmt.Sprintf("it has %d bytes now, the manifest says %d", st.Size(), u.blob.Size)
	}
	return corruption{fmt.Sprintf("corrupted bundle: blob %s of %s changed while the seed ran: it matched when the seed verified every blob, but %s (the registry did not store it and no manifest or tag was pushed; blobs committed before it stay in the registry, unreferenced)", u.blob.Digest, u.of, what)}
}

// commitHold is the transport of the seed's uploads. A request that commits an upload (to its /blobs/uploads/
// location, with digest=) waits until the pass matched every blob to upload, and is never sent when one did not:
// the registry stores no blob of a bundle found corrupted. Every other request, the blobs' bytes included, goes
// through untouched.
type commitHold struct {
	next http.RoundTripper
	pass *verification
}

func (h commitHold) RoundTrip(req *http.Request) (*http.Response, error) {
	if isCommit(req) {
		if err := h.pass.wait(req.Context()); err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, err
		}
	}
	return h.next.RoundTrip(req)
}

// isCommit is true for a request that commits a blob upload: to its /blobs/uploads/ location with digest= (the PUT
// that ends an upload; a monolithic upload's POST would carry it too).
func isCommit(req *http.Request) bool {
	return strings.Contains(req.URL.Path, "/blobs/uploads/") && req.URL.Query().Has("digest")
}

// fileBlob is one blob of the bundle as a layer that remote can upload: its file as it is, which net/http sends with
// sendfile (ContentLength is the descriptor's size), so no byte passes through this process on its way.
type fileBlob struct {
	s *store
	u upload
}

func (b fileBlob) Digest() (v1.Hash, error)            { return b.u.blob.Digest, nil }
func (b fileBlob) Size() (int64, error)                { return b.u.blob.Size, nil }
func (b fileBlob) MediaType() (types.MediaType, error) { return b.u.blob.MediaType, nil }
func (b fileBlob) Compressed() (io.ReadCloser, error)  { return os.Open(b.s.blobPath(b.u.blob.Digest)) }
