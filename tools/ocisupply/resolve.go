// Copyright 2026, airgap-platform authors.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

type resolveRequest struct {
	PlainHTTP []string          `json:"plainHttp"`
	Images    []imageRequest    `json:"images"`
	Artifacts []artifactRequest `json:"artifacts"`
	Charts    []chartRequest    `json:"charts"`
}

type imageRequest struct {
	Source    string   `json:"source"`
	Platforms []string `json:"platforms"`
}

type artifactRequest struct {
	Source string `json:"source"`
}

// chartRequest is a packaged chart on disk and its metadata (Chart.yaml as JSON).
type chartRequest struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	Tgz     string          `json:"tgz"`
	Config  json.RawMessage `json:"config"`
}

type resolvedImage struct {
	Source string `json:"source"`
	// Index is what the source tag pointed at when it is an index; null for a single manifest.
	Index     *string           `json:"index"`
	Manifests map[string]string `json:"manifests"`
	// Digest is what the internal tag will point at (see internalTarget).
	Digest string `json:"digest"`
}

type resolvedArtifact struct {
	Source string `json:"source"`
	Digest string `json:"digest"`
}

type resolvedChart struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	TgzDigest string `json:"tgzDigest"`
	Digest    string `json:"digest"`
}

type resolveResult struct {
	Images    []resolvedImage    `json:"images"`
	Artifacts []resolvedArtifact `json:"artifacts"`
	Charts    []resolvedChart    `json:"charts"`
}

func runResolve(args []string) error {
	var req resolveRequest
	if err := readRequest("resolve", args, &req); err != nil {
		return err
	}
	regs := newRegistries(context.Background(), req.PlainHTTP, 4)
	out := resolveResult{Images: []resolvedImage{}, Artifacts: []resolvedArtifact{}, Charts: []resolvedChart{}}
	for _, img := range req.Images {
		r, err := resolveImage(regs, img)
		if err != nil {
			return fmt.Errorf("image %s: %w", img.Source, err)
		}
		out.Images = append(out.Images, r)
	}
	for _, a := range req.Artifacts {
		ref, err := regs.reference(a.Source)
		if err != nil {
			return err
		}
		desc, err := remote.Head(ref, regs.options()...)
		if err != nil {
			return fmt.Errorf("artifact %s: %w", a.Source, err)
		}
		out.Artifacts = append(out.Artifacts, resolvedArtifact{Source: a.Source, Digest: desc.Digest.String()})
	}
	for _, c := range req.Charts {
		tgz, err := fileDescriptor(c.Tgz)
		if err != nil {
			return fmt.Errorf("chart %s %s: %w", c.Name, c.Version, err)
		}
		_, h, err := chartManifest(c.Config, tgz, c.Name, c.Version)
		if err != nil {
			return fmt.Errorf("chart %s %s: %w", c.Name, c.Version, err)
		}
		out.Charts = append(out.Charts, resolvedChart{Name: c.Name, Version: c.Version, TgzDigest: tgz.Digest.String(), Digest: h.String()})
	}
	return writeResult(out)
}

// resolveImage finds the manifest of each wanted platform behind a tag.
func resolveImage(regs *registries, req imageRequest) (resolvedImage, error) {
	if len(req.Platforms) == 0 {
		return resolvedImage{}, refuse("no platform requested")
	}
	ref, err := regs.reference(req.Source)
	if err != nil {
		return resolvedImage{}, err
	}
	desc, err := remote.Get(ref, regs.options()...)
	if err != nil {
		return resolvedImage{}, err
	}
	out := resolvedImage{Source: req.Source, Manifests: map[string]string{}}
	var locked []platformManifest
	switch {
	case desc.MediaType.IsIndex():
		index := desc.Digest.String()
		out.Index = &index
		im, err := v1.ParseIndexManifest(bytes.NewReader(desc.Manifest))
		if err != nil {
			return resolvedImage{}, err
		}
		for _, want := range req.Platforms {
			p, err := parsePlatform(want)
			if err != nil {
				return resolvedImage{}, err
			}
			found := false
			for _, m := range im.Manifests {
				if m.MediaType.IsImage() && platformMatches(m.Platform, p) {
					locked = append(locked, platformManifest{Platform: want, Digest: m.Digest.String(), Size: m.Size, MediaType: m.MediaType})
					out.Manifests[want] = m.Digest.String()
					found = true
					break
				}
			}
			if !found {
				return resolvedImage{}, refuse("index %s has no %s manifest", index, want)
			}
		}
	case desc.MediaType.IsImage():
		if len(req.Platforms) != 1 {
			return resolvedImage{}, refuse("%s is a single-platform image; lock one platform for it, not %v", req.Source, req.Platforms)
		}
		img, err := desc.Image()
		if err != nil {
			return resolvedImage{}, err
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return resolvedImage{}, err
		}
		want, err := parsePlatform(req.Platforms[0])
		if err != nil {
			return resolvedImage{}, err
		}
		have := v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
		if !platformMatches(&have, want) {
			return resolvedImage{}, refuse("%s is built for %s/%s, not %s", req.Source, cf.OS, cf.Architecture, req.Platforms[0])
		}
		locked = append(locked, platformManifest{Platform: req.Platforms[0], Digest: desc.Digest.String(), Size: desc.Size, MediaType: desc.MediaType})
		out.Manifests[req.Platforms[0]] = desc.Digest.String()
	default:
		return resolvedImage{}, refuse("%s is a %s, not an image or an index", req.Source, desc.MediaType)
	}
	target, _, _, err := internalTarget(locked)
	if err != nil {
		return resolvedImage{}, err
	}
	out.Digest = target.String()
	return out, nil
}

// fileDescriptor hashes a local file.
func fileDescriptor(path string) (v1.Descriptor, error) {
	f, err := os.Open(path)
	if err != nil {
		return v1.Descriptor{}, err
	}
	defer f.Close()
	h, n, err := v1.SHA256(f)
	if err != nil {
		return v1.Descriptor{}, err
	}
	return v1.Descriptor{Digest: h, Size: n}, nil
}
