// Copyright 2026, airgap-platform authors.

package main

import (
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// runDockerArchive writes one bundle entry as a `docker save` tarball under a local tag: the registry
// image, which node-1's Docker loads before any registry exists to pull from.
func runDockerArchive(args []string) error {
	fs := newFlags("docker-archive")
	root := fs.String("layout", "", "bundle folder")
	ref := fs.String("ref", "", "internal reference of the entry")
	tag := fs.String("tag", "", "tag inside the tarball, e.g. registry:2.8.3")
	platform := fs.String("platform", "linux/amd64", "platform to take from a multi-platform entry")
	out := fs.String("out", "", "tarball to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" || *ref == "" || *tag == "" || *out == "" {
		return refuse("docker-archive needs --layout, --ref, --tag and --out")
	}
	localTag, err := name.NewTag(*tag)
	if err != nil {
		return refuse("--tag %q: %v", *tag, err)
	}
	want, err := parsePlatform(*platform)
	if err != nil {
		return err
	}
	s, a, err := openEntry(*root, *ref)
	if err != nil {
		return err
	}
	root_, err := s.path.ImageIndex()
	if err != nil {
		return err
	}
	var img v1.Image
	if a.Desc.MediaType.IsIndex() {
		idx, err := root_.ImageIndex(a.Desc.Digest)
		if err != nil {
			return err
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return err
		}
		for _, m := range im.Manifests {
			if platformMatches(m.Platform, want) {
				if img, err = idx.Image(m.Digest); err != nil {
					return err
				}
				break
			}
		}
		if img == nil {
			return refuse("%s has no %s image", *ref, *platform)
		}
	} else if img, err = root_.Image(a.Desc.Digest); err != nil {
		return err
	}
	if err := tarball.WriteToFile(*out+".part", localTag, img); err != nil {
		return err
	}
	return renameResult(*out+".part", *out, map[string]any{"out": *out, "tag": *tag, "digest": a.Desc.Digest.String()})
}
