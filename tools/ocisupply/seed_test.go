// Copyright 2026, airgap-platform authors.

// The seed's commit hold against a stand-in server (what reaches the wire, and when), and a blob that changes after
// the pass matched it against a real registry: AIRGAP_SEED_TEST_REGISTRY names an empty Debian docker-registry
// (plain HTTP on 127.0.0.1), which test/supply/supply.e2e.ts starts before it runs these tests.

package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// recorder is a stand-in registry that answers every request and lists them.
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.seen = append(r.seen, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}

func standIn(t *testing.T) (*recorder, string) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

func request(t *testing.T, ctx context.Context, method, url string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

const commitQuery = "?digest=sha256:0000000000000000000000000000000000000000000000000000000000000000"

func TestCommitHoldSendsTheCommitOnlyOnceThePassMatchedEveryBlob(t *testing.T) {
	rec, url := standIn(t)
	pass := &verification{done: make(chan struct{})}
	hold := commitHold{http.DefaultTransport, pass}
	resp, err := hold.RoundTrip(request(t, context.Background(), http.MethodPatch, url+"/v2/r/blobs/uploads/u"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	committed := make(chan error, 1)
	go func() {
		resp, err := hold.RoundTrip(request(t, context.Background(), http.MethodPut, url+"/v2/r/blobs/uploads/u"+commitQuery))
		if err == nil {
			resp.Body.Close()
		}
		committed <- err
	}()
	select {
	case err := <-committed:
		t.Fatalf("the commit returned (%v) before the pass ended", err)
	case <-time.After(300 * time.Millisecond):
	}
	if got, want := rec.requests(), []string{"PATCH /v2/r/blobs/uploads/u"}; !slices.Equal(got, want) {
		t.Fatalf("while the pass runs the registry got %q, want only the upload's bytes %q", got, want)
	}
	close(pass.done)
	if err := <-committed; err != nil {
		t.Fatal(err)
	}
	if got := rec.requests(); len(got) != 2 || got[1] != "PUT /v2/r/blobs/uploads/u" {
		t.Fatalf("once the pass matched every blob the registry got %q, want the commit last", got)
	}
	if held := time.Duration(pass.held.Load()); held < 300*time.Millisecond {
		t.Fatalf("held is %v, but the commit waited at least 300ms", held)
	}
}

func TestCommitHoldNeverSendsACommitWhenABlobDidNotMatch(t *testing.T) {
	rec, url := standIn(t)
	found := corrupted(upload{blob: v1.Descriptor{Digest: v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("1", 64)}}, of: "r:1"}, "has sha256 "+strings.Repeat("2", 64))
	pass := &verification{done: make(chan struct{}), err: found}
	close(pass.done)
	_, err := commitHold{http.DefaultTransport, pass}.RoundTrip(request(t, context.Background(), http.MethodPut, url+"/v2/r/blobs/uploads/u"+commitQuery))
	if !errors.Is(err, found) {
		t.Fatalf("got %v, want the pass's error %v", err, found)
	}
	if got := rec.requests(); len(got) != 0 {
		t.Fatalf("the registry got %q, want nothing", got)
	}
}

func TestCommitHoldStopsWaitingWhenTheSeedIsCancelled(t *testing.T) {
	rec, url := standIn(t)
	pass := &verification{done: make(chan struct{})}
	ctx, cancel := context.WithCancelCause(context.Background())
	stopped := errors.New("an upload failed")
	time.AfterFunc(100*time.Millisecond, func() { cancel(stopped) })
	_, err := commitHold{http.DefaultTransport, pass}.RoundTrip(request(t, ctx, http.MethodPut, url+"/v2/r/blobs/uploads/u"+commitQuery))
	if !errors.Is(err, stopped) {
		t.Fatalf("got %v, want the cause the seed was cancelled with", err)
	}
	if got := rec.requests(); len(got) != 0 {
		t.Fatalf("the registry got %q, want nothing", got)
	}
}

// firstCommit is the transport under the seed's commit hold: on the first commit that reaches it (so the pass has
// matched every blob), before sending it, it runs act; it records the registry's answer to each commit.
type firstCommit struct {
	next     http.RoundTripper
	once     sync.Once
	act      func()
	mu       sync.Mutex
	statuses map[string]int
}

func (f *firstCommit) RoundTrip(req *http.Request) (*http.Response, error) {
	if !isCommit(req) {
		return f.next.RoundTrip(req)
	}
	f.once.Do(f.act)
	resp, err := f.next.RoundTrip(req)
	if err == nil {
		f.mu.Lock()
		f.statuses[req.URL.Query().Get("digest")] = resp.StatusCode
		f.mu.Unlock()
	}
	return resp, err
}

// testBundle writes a bundle of one image (a config and two layers of random bytes) tagged ref, as ocisupply bundle
// lays it out; it returns the lock's sha256, the image's manifest and its blobs, largest first.
func testBundle(t *testing.T, dir, ref string) (lockSha string, manifest v1.Descriptor, blobs []v1.Descriptor) {
	s, err := createStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	write := func(raw []byte, mediaType types.MediaType) v1.Descriptor {
		d, err := s.writeBytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		d.MediaType = mediaType
		return d
	}
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	m := v1.Manifest{SchemaVersion: 2, MediaType: types.OCIManifestSchema1}
	for _, n := range []int{4 << 20, 64 << 10} {
		m.Layers = append(m.Layers, write(random(n), types.OCILayer))
	}
	config, _ := json.Marshal(map[string]any{"architecture": "amd64", "os": "linux", "rootfs": map[string]any{"type": "layers", "diff_ids": []string{}}})
	m.Config = write(config, types.OCIConfigJSON)
	raw, _ := json.Marshal(m)
	manifest = write(raw, types.OCIManifestSchema1)
	manifest.Annotations = map[string]string{annotationRef: ref, annotationKind: "image"}

	lock := []byte("# the lock this test bundle was made for\n")
	sum := sha256.Sum256(lock)
	lockSha = hex.EncodeToString(sum[:])
	if err := s.path.WriteFile(lockFileName, lock, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.writeIndex([]v1.Descriptor{manifest}, lockSha); err != nil {
		t.Fatal(err)
	}
	_, arts, err := s.inspect()
	if err != nil {
		t.Fatal(err)
	}
	sums, err := s.sums(blobsOf(arts))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.path.WriteFile(sumsFileName, sums, 0o644); err != nil {
		t.Fatal(err)
	}
	return lockSha, manifest, append(m.Layers, m.Config)
}

// status is the registry's answer to a HEAD of path.
func status(t *testing.T, registry, path string) int {
	resp, err := http.Head("http://" + registry + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSeedNamesABlobThatChangedAfterThePassMatchedIt(t *testing.T) {
	registry := os.Getenv("AIRGAP_SEED_TEST_REGISTRY")
	if registry == "" {
		t.Skip("needs AIRGAP_SEED_TEST_REGISTRY=127.0.0.1:PORT, an empty Debian docker-registry (test/supply/supply.e2e.ts runs this test so)")
	}
	for _, c := range []struct {
		name string
		// change alters a blob's file; registryRefuses is true when the changed bytes still reach the commit.
		change          func(path string, size int64) error
		want            string
		registryRefuses bool
	}{
		{"rewritten", func(path string, size int64) error {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt([]byte("changed!"), size/2)
			return err
		}, "but the registry refused it on commit: its bytes do not match that digest (DIGEST_INVALID)", true},
		{"truncated", func(path string, size int64) error { return os.Truncate(path, size-1) }, "but it has %d bytes now, the manifest says %d", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			repo := "toctou/" + c.name
			ref := registry + "/" + repo + ":1"
			dir := t.TempDir()
			lockSha, manifest, blobs := testBundle(t, dir, ref)
			first, changed := blobs[0], blobs[len(blobs)-1]
			// One transfer at a time, largest first: the first commit comes before the changed blob's upload begins.
			base := &firstCommit{next: http.DefaultTransport, statuses: map[string]int{}, act: func() {
				if err := c.change(filepath.Join(dir, "blobs", "sha256", changed.Digest.Hex), changed.Size); err != nil {
					t.Error(err)
				}
			}}
			_, err := seed(dir, registry, lockSha, true, 1, base)

			var bad corruption
			if !errors.As(err, &bad) {
				t.Fatalf("got %v, want a corrupted bundle (exit 4)", err)
			}
			want := fmt.Sprintf("corrupted bundle: blob %s of %s changed while the seed ran: it matched when the seed verified every blob, %s (the registry did not store it and no manifest or tag was pushed; blobs committed before it stay in the registry, unreferenced)", changed.Digest, ref, c.want)
			if c.name == "truncated" {
				want = fmt.Sprintf(want, changed.Size-1, changed.Size)
			}
			if err.Error() != want {
				t.Fatalf("got\n  %v\nwant\n  %s", err, want)
			}
			refused, sent := base.statuses[changed.Digest.String()]
			if c.registryRefuses && refused != http.StatusBadRequest {
				t.Fatalf("the registry answered the changed blob's commit with %d, want 400 (it checks the digest)", refused)
			}
			if !c.registryRefuses && sent {
				t.Fatal("the changed blob's commit was sent, but its upload should have failed before")
			}
			for path, want := range map[string]int{
				"/v2/" + repo + "/blobs/" + first.Digest.String():        http.StatusOK,
				"/v2/" + repo + "/blobs/" + changed.Digest.String():      http.StatusNotFound,
				"/v2/" + repo + "/manifests/" + manifest.Digest.String(): http.StatusNotFound,
				"/v2/" + repo + "/manifests/1":                           http.StatusNotFound,
			} {
				if got := status(t, registry, path); got != want {
					t.Errorf("HEAD %s: %d, want %d", path, got, want)
				}
			}
		})
	}
}
