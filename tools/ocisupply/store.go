// Copyright 2026, airgap-platform authors.

package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"golang.org/x/sync/errgroup"
)

// Files of a bundle beside the OCI layout's own (oci-layout, index.json, blobs/).
const (
	lockFileName = "artifacts.lock.yaml"
	sumsFileName = "sha256sums"
	partialDir   = ".partial"
)

// store is a bundle: an OCI image layout plus the lock it was made for and a sha256 list of every file.
type store struct {
	root string
	path layout.Path
	// written holds the blobs this process wrote: hashed as they were written, not hashed again.
	written sync.Map
}

func openStore(root string) (*store, error) {
	p, err := layout.FromPath(root)
	if err != nil {
		return nil, refuse("%s is not a bundle (an OCI image layout): %v", root, err)
	}
	return &store{root: root, path: p}, nil
}

// createStore opens a bundle folder for writing, creating the layout when it is new.
func createStore(root string) (*store, error) {
	if _, err := os.Stat(filepath.Join(root, "oci-layout")); err == nil {
		return openStore(root)
	}
	p, err := layout.Write(root, empty.Index)
	if err != nil {
		return nil, err
	}
	return &store{root: root, path: p}, nil
}

func (s *store) blobPath(h v1.Hash) string {
	return filepath.Join(s.root, "blobs", h.Algorithm, h.Hex)
}

// buffers are reused by every copy, so memory stays flat however many blobs go through.
var buffers = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// copyPooled is io.Copy through a pooled 1 MiB buffer.
func copyPooled(w io.Writer, r io.Reader) (int64, error) {
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	return io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{r}, *buf)
}

// hashFile returns the sha256 and size of a file.
func hashFile(path string) (v1.Hash, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return v1.Hash{}, 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := copyPooled(h, f)
	if err != nil {
		return v1.Hash{}, 0, err
	}
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}, n, nil
}

// complete is true when the blob is on disk with its size and digest, so it is never fetched again.
func (s *store) complete(d v1.Descriptor) bool {
	st, err := os.Stat(s.blobPath(d.Digest))
	if err != nil || (d.Size > 0 && st.Size() != d.Size) {
		return false
	}
	h, _, err := hashFile(s.blobPath(d.Digest))
	return err == nil && h == d.Digest
}

// writeBlob streams a blob into the layout, hashing as it writes: into a partial file first, renamed
// to its digest only once size and digest match (layout.WriteBlob writes in place, so an interrupted
// copy would leave a file that looks complete by size). Returns the bytes written.
func (s *store) writeBlob(d v1.Descriptor, r io.Reader) (int64, error) {
	dir := filepath.Join(s.root, partialDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(s.blobPath(d.Digest)), 0o755); err != nil {
		return 0, err
	}
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		return 0, err
	}
	tmp := filepath.Join(dir, d.Digest.Hex+"-"+hex.EncodeToString(suffix))
	f, err := os.Create(tmp)
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp)
	h := sha256.New()
	n, err := copyPooled(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	got := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	if got != d.Digest || (d.Size > 0 && n != d.Size) {
		return n, fmt.Errorf("blob %s arrived as %s (%d bytes, want %d): refusing it", d.Digest, got, n, d.Size)
	}
	if err := os.Rename(tmp, s.blobPath(d.Digest)); err != nil {
		return n, err
	}
	s.written.Store(d.Digest, true)
	return n, nil
}

func (s *store) writeBytes(raw []byte) (v1.Descriptor, error) {
	h, n, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		return v1.Descriptor{}, err
	}
	d := v1.Descriptor{Digest: h, Size: n}
	if s.complete(d) {
		return d, nil
	}
	_, err = s.writeBlob(d, bytes.NewReader(raw))
	return d, err
}

// artifact is one top-level entry of a bundle and every blob it needs, manifests included.
type artifact struct {
	Ref    string
	Kind   string
	Source string
	Desc   v1.Descriptor
	// Blobs holds every blob, manifests included; Content only the configs and layers.
	Blobs   []v1.Descriptor
	Content []v1.Descriptor
}

// inspect reads index.json and walks every manifest, hashing it and checking that each blob it references
// is present with its size. It does not hash the other blobs (verify does, the seed beside its uploads).
func (s *store) inspect() (lockSha256 string, arts []artifact, err error) {
	ii, err := s.path.ImageIndex()
	if err != nil {
		return "", nil, refuse("incomplete bundle: cannot read %s: %v", filepath.Join(s.root, "index.json"), err)
	}
	im, err := ii.IndexManifest()
	if err != nil {
		return "", nil, refuse("incomplete bundle: index.json: %v", err)
	}
	lockSha256 = im.Annotations[annotationLockSha256]
	if lockSha256 == "" {
		return "", nil, refuse("incomplete bundle: index.json does not record the lock it was made for (%s)", annotationLockSha256)
	}
	for _, d := range im.Manifests {
		ref := d.Annotations[annotationRef]
		if ref == "" {
			return "", nil, refuse("bundle entry %s has no %s annotation", d.Digest, annotationRef)
		}
		a := artifact{Ref: ref, Kind: d.Annotations[annotationKind], Source: d.Annotations[annotationSource], Desc: d}
		if err := s.walk(d, &a); err != nil {
			if _, corrupted := err.(refusal); corrupted {
				return "", nil, err
			}
			return "", nil, refuse("incomplete bundle: %s: %v", ref, err)
		}
		arts = append(arts, a)
	}
	return lockSha256, arts, nil
}

func (s *store) walk(d v1.Descriptor, a *artifact) error {
	if err := s.present(d); err != nil {
		return err
	}
	a.Blobs = append(a.Blobs, d)
	raw, err := os.ReadFile(s.blobPath(d.Digest))
	if err != nil {
		return err
	}
	// Manifests are small and say what every other blob is: each is hashed here, before anything uses it.
	if got := sha256.Sum256(raw); hex.EncodeToString(got[:]) != d.Digest.Hex {
		return refuse("corrupted bundle: manifest %s of %s has sha256 %x", d.Digest, a.Ref, got)
	}
	children, blobs, err := manifestBlobs(raw, d.MediaType)
	if err != nil {
		return fmt.Errorf("manifest %s: %v", d.Digest, err)
	}
	for _, b := range blobs {
		if !b.MediaType.IsDistributable() {
			continue
		}
		if err := s.present(b); err != nil {
			return err
		}
		a.Blobs = append(a.Blobs, b)
		a.Content = append(a.Content, b)
	}
	for _, c := range children {
		if err := s.walk(c, a); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) present(d v1.Descriptor) error {
	st, err := os.Stat(s.blobPath(d.Digest))
	if err != nil {
		return fmt.Errorf("blob %s is missing", d.Digest)
	}
	if st.Size() != d.Size {
		return fmt.Errorf("blob %s has %d bytes, the manifest says %d", d.Digest, st.Size(), d.Size)
	}
	return nil
}

// verify checks a whole bundle: its structure and records (check) and every blob's sha256 (hashBlobs).
func (s *store) verify(jobs int) (lockSha256 string, arts []artifact, err error) {
	lockSha256, arts, err = s.check()
	if err != nil {
		return "", nil, err
	}
	return lockSha256, arts, s.hashBlobs(arts, jobs)
}

// check verifies what needs no blob hashing: every manifest present and parsed, every blob present with its
// size, the lock file against the digest index.json records, and the sha256 list naming exactly these files.
func (s *store) check() (lockSha256 string, arts []artifact, err error) {
	lockSha256, arts, err = s.inspect()
	if err != nil {
		return "", nil, err
	}
	lockHash, _, err := hashFile(filepath.Join(s.root, lockFileName))
	if err != nil {
		return "", nil, refuse("incomplete bundle: %s is missing: %v", lockFileName, err)
	}
	if lockHash.Hex != lockSha256 {
		return "", nil, refuse("corrupted bundle: %s has sha256 %s but index.json records %s", lockFileName, lockHash.Hex, lockSha256)
	}
	want, err := s.sums(blobsOf(arts))
	if err != nil {
		return "", nil, err
	}
	have, err := os.ReadFile(filepath.Join(s.root, sumsFileName))
	if err != nil {
		return "", nil, refuse("incomplete bundle: %s is missing", sumsFileName)
	}
	if !bytes.Equal(have, want) {
		return "", nil, refuse("corrupted bundle: %s does not list exactly the bundle's files and digests", sumsFileName)
	}
	return lockSha256, arts, nil
}

// blobUse is one blob of a bundle and one artifact that uses it (for messages).
type blobUse struct {
	desc v1.Descriptor
	of   string
}

// blobsOf maps every blob of the artifacts to its descriptor and one artifact that uses it.
func blobsOf(arts []artifact) map[v1.Hash]blobUse {
	unique := map[v1.Hash]blobUse{}
	for _, a := range arts {
		for _, b := range a.Blobs {
			unique[b.Digest] = blobUse{b, a.Ref}
		}
	}
	return unique
}

// hashBlobs re-hashes every blob of the artifacts (but those this process wrote), in parallel, and refuses
// the first that differs.
func (s *store) hashBlobs(arts []artifact, jobs int) error {
	g := new(errgroup.Group)
	g.SetLimit(jobs)
	for h, use := range blobsOf(arts) {
		if _, ok := s.written.Load(h); ok {
			continue
		}
		g.Go(func() error {
			what, err := s.mismatch(use.desc)
			if err != nil {
				return refuse("incomplete bundle: %s: %v", use.of, err)
			}
			if what != "" {
				return refuse("corrupted bundle: blob %s of %s %s", h, use.of, what)
			}
			return nil
		})
	}
	return g.Wait()
}

// mismatch hashes one blob and says how it differs from its descriptor's size and digest ("" when it matches).
func (s *store) mismatch(d v1.Descriptor) (string, error) {
	got, size, err := hashFile(s.blobPath(d.Digest))
	switch {
	case err != nil:
		return "", err
	case size != d.Size:
		return fmt.Sprintf("has %d bytes, the manifest says %d", size, d.Size), nil
	case got != d.Digest:
		return "has sha256 " + got.Hex, nil
	}
	return "", nil
}

// sums renders the sha256 list (`sha256sum -c` reads it): every blob, index.json and the lock.
func (s *store) sums(blobs map[v1.Hash]blobUse) ([]byte, error) {
	var lines []string
	for h := range blobs {
		lines = append(lines, fmt.Sprintf("%s  blobs/%s/%s", h.Hex, h.Algorithm, h.Hex))
	}
	for _, f := range []string{"index.json", lockFileName} {
		h, _, err := hashFile(filepath.Join(s.root, f))
		if err != nil {
			return nil, refuse("incomplete bundle: %s: %v", f, err)
		}
		lines = append(lines, fmt.Sprintf("%s  %s", h.Hex, f))
	}
	sort.Strings(lines)
	return []byte(strings.Join(lines, "\n") + "\n"), nil
}

// writeIndex replaces index.json with the bundle's entries and the lock's digest.
func (s *store) writeIndex(entries []v1.Descriptor, lockSha256 string) error {
	im := v1.IndexManifest{
		SchemaVersion: 2,
		MediaType:     "application/vnd.oci.image.index.v1+json",
		Manifests:     entries,
		Annotations:   map[string]string{annotationLockSha256: lockSha256},
	}
	raw, err := json.MarshalIndent(im, "", "  ")
	if err != nil {
		return err
	}
	return s.path.WriteFile("index.json", raw, 0o644)
}

func runVerify(args []string) error {
	fs := newFlags("verify")
	root := fs.String("layout", "", "bundle folder")
	jobs := fs.Int("jobs", 4, "blobs hashed in parallel")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" {
		return refuse("verify needs --layout")
	}
	s, err := openStore(*root)
	if err != nil {
		return err
	}
	lockSha, arts, err := s.verify(*jobs)
	if err != nil {
		return err
	}
	blobs, size := bundleSize(arts)
	return writeResult(map[string]any{"lockSha256": lockSha, "artifacts": len(arts), "blobs": blobs, "bytes": size})
}

// bundleSize counts the distinct blobs of the artifacts and their bytes.
func bundleSize(arts []artifact) (blobs int, bytes int64) {
	seen := map[v1.Hash]bool{}
	for _, a := range arts {
		for _, b := range a.Blobs {
			if !seen[b.Digest] {
				seen[b.Digest] = true
				bytes += b.Size
			}
		}
	}
	return len(seen), bytes
}

// openEntry opens a bundle, checks its structure and records, and hashes the blobs of one entry: what each
// command that uses a single entry reads.
func openEntry(root, ref string) (*store, artifact, error) {
	s, err := openStore(root)
	if err != nil {
		return nil, artifact{}, err
	}
	_, arts, err := s.check()
	if err != nil {
		return nil, artifact{}, err
	}
	for _, a := range arts {
		if a.Ref == ref {
			return s, a, s.hashBlobs([]artifact{a}, 4)
		}
	}
	return nil, artifact{}, refuse("the bundle has no entry %s", ref)
}

// runBlob prints the path of the layer with a media type in one bundle entry (the Trivy database
// layer, which the seed unpacks on node-1), once the bundle is checked and that entry's blobs hashed.
func runBlob(args []string) error {
	fs := newFlags("blob")
	root := fs.String("layout", "", "bundle folder")
	ref := fs.String("ref", "", "internal reference of the entry")
	mediaType := fs.String("media-type", "", "media type of the layer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, a, err := openEntry(*root, *ref)
	if err != nil {
		return err
	}
	for _, b := range a.Blobs {
		if string(b.MediaType) == *mediaType {
			return writeResult(map[string]any{"path": s.blobPath(b.Digest), "digest": b.Digest.String(), "size": b.Size})
		}
	}
	return refuse("bundle entry %s has no layer of media type %s", *ref, *mediaType)
}
