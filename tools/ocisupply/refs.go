// Copyright 2026, airgap-platform authors.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Media types of Helm's OCI charts (helm.sh/helm/v3/pkg/registry/constants.go).
const (
	helmConfigMediaType = "application/vnd.cncf.helm.config.v1+json"
	helmChartMediaType  = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
)

// Annotations written on each top-level descriptor of a bundle's index.json, and on the index itself.
const (
	annotationRef        = "org.opencontainers.image.ref.name"
	annotationKind       = "io.airgap-platform.supply.kind"
	annotationSource     = "io.airgap-platform.supply.source"
	annotationLockSha256 = "io.airgap-platform.supply.lock.sha256"
)

// registries reaches upstream and target registries: credentials from the Docker config
// ($DOCKER_CONFIG/config.json, credential helpers), plain HTTP only for the hosts listed.
type registries struct {
	ctx       context.Context
	plainHTTP map[string]bool
	jobs      int
}

func newRegistries(ctx context.Context, plainHTTP []string, jobs int) *registries {
	r := &registries{ctx: ctx, plainHTTP: map[string]bool{}, jobs: jobs}
	for _, h := range plainHTTP {
		r.plainHTTP[h] = true
	}
	if r.jobs <= 0 {
		r.jobs = 4
	}
	return r
}

func (r *registries) nameOptions(ref string) []name.Option {
	host := strings.SplitN(ref, "/", 2)[0]
	if r.plainHTTP[host] {
		return []name.Option{name.Insecure, name.StrictValidation}
	}
	return []name.Option{name.StrictValidation}
}

func (r *registries) reference(ref string) (name.Reference, error) {
	parsed, err := name.ParseReference(ref, r.nameOptions(ref)...)
	if err != nil {
		return nil, refuse("%q is not a full image reference (registry/repository:tag): %v", ref, err)
	}
	return parsed, nil
}

func (r *registries) repository(ref string) (name.Repository, error) {
	parsed, err := r.reference(ref)
	if err != nil {
		return name.Repository{}, err
	}
	return parsed.Context(), nil
}

func (r *registries) options(extra ...remote.Option) []remote.Option {
	return append([]remote.Option{
		remote.WithContext(r.ctx),
		remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithJobs(r.jobs),
		remote.WithUserAgent("airgap-platform-ocisupply"),
	}, extra...)
}

// parsePlatform reads os/arch[/variant].
func parsePlatform(s string) (v1.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return v1.Platform{}, refuse("platform %q must be os/arch or os/arch/variant, e.g. linux/amd64", s)
	}
	p := v1.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// platformMatches is true when the upstream descriptor's platform is the wanted one (a wanted
// platform without variant accepts any variant).
func platformMatches(have *v1.Platform, want v1.Platform) bool {
	if have == nil {
		return false
	}
	return have.OS == want.OS && have.Architecture == want.Architecture &&
		(want.Variant == "" || have.Variant == want.Variant)
}

// platformManifest is one locked per-platform manifest of an image.
type platformManifest struct {
	Platform  string          `json:"platform"`
	Digest    string          `json:"digest"`
	Size      int64           `json:"-"`
	MediaType types.MediaType `json:"-"`
}

// internalTarget is what an image's internal tag points at: its only platform manifest, or, for
// several platforms, an index made of exactly the locked manifests (upstream indexes usually list
// more platforms, whose manifests a registry would require before accepting the index).
func internalTarget(manifests []platformManifest) (digest v1.Hash, raw []byte, mediaType types.MediaType, err error) {
	if len(manifests) == 1 {
		h, err := v1.NewHash(manifests[0].Digest)
		return h, nil, manifests[0].MediaType, err
	}
	sorted := append([]platformManifest(nil), manifests...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Platform < sorted[j].Platform })
	mediaType = types.DockerManifestList
	for _, m := range sorted {
		if m.MediaType != types.DockerManifestSchema2 {
			mediaType = types.OCIImageIndex
		}
	}
	index := v1.IndexManifest{SchemaVersion: 2, MediaType: mediaType}
	for _, m := range sorted {
		p, err := parsePlatform(m.Platform)
		if err != nil {
			return v1.Hash{}, nil, "", err
		}
		h, err := v1.NewHash(m.Digest)
		if err != nil {
			return v1.Hash{}, nil, "", err
		}
		index.Manifests = append(index.Manifests, v1.Descriptor{MediaType: m.MediaType, Digest: h, Size: m.Size, Platform: &p})
	}
	raw, err = json.Marshal(index)
	if err != nil {
		return v1.Hash{}, nil, "", err
	}
	digest, _, err = v1.SHA256(bytes.NewReader(raw))
	return digest, raw, mediaType, err
}

// chartManifest is the OCI Helm artifact of a packaged chart: Helm's config and chart media types,
// the chart's metadata as config, the .tgz unchanged as the only layer. Deterministic, so the lock can
// record its digest before any bundle exists.
func chartManifest(config []byte, tgz v1.Descriptor, title, version string) ([]byte, v1.Hash, error) {
	configHash, configSize, err := v1.SHA256(bytes.NewReader(config))
	if err != nil {
		return nil, v1.Hash{}, err
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        v1.Descriptor{MediaType: helmConfigMediaType, Digest: configHash, Size: configSize},
		Layers:        []v1.Descriptor{{MediaType: helmChartMediaType, Digest: tgz.Digest, Size: tgz.Size}},
		Annotations:   map[string]string{"org.opencontainers.image.title": title, "org.opencontainers.image.version": version},
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, v1.Hash{}, err
	}
	h, _, err := v1.SHA256(bytes.NewReader(raw))
	return raw, h, err
}

// manifestBlobs lists the blobs a manifest or index references (children of an index are manifests).
func manifestBlobs(raw []byte, mediaType types.MediaType) (children []v1.Descriptor, blobs []v1.Descriptor, err error) {
	if mediaType.IsIndex() {
		im, err := v1.ParseIndexManifest(bytes.NewReader(raw))
		if err != nil {
			return nil, nil, err
		}
		return im.Manifests, nil, nil
	}
	if mediaType.IsSchema1() {
		return nil, nil, fmt.Errorf("schema 1 manifests are not supported (%s)", mediaType)
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, err
	}
	return nil, append([]v1.Descriptor{m.Config}, m.Layers...), nil
}
