// Copyright 2026, airgap-platform authors.
//
// Small pure helpers shared by the chart components: where a chart comes from, how an image is written
// into chart values. Kept free of resources so tests can call them directly.

import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { isOciChart } from "../lib/chart";
import { ImageRef } from "../lib/image";

/** A pinned chart: a local folder/tarball or an oci:// reference on the internal registry. */
export interface ChartSource {
    /** Local path (relative to the project) or oci:// reference. */
    readonly chart: string;
    /** The exact chart version. */
    readonly chartVersion: string;
}

/**
 * The chart, version and transport of a helm.v4.Chart. The chart is named only once every `after` value
 * resolves (the registry address once it answers, a Prometheus URL once it serves...), so the chart and
 * everything it renders wait for those.
 */
export function chartLocation(source: ChartSource, after: pulumi.Input<unknown>[]) {
    const oci = isOciChart(source.chart);
    // Pinned by digest (oci://.../name@sha256:...): Helm then pulls exactly that artifact and ignores the tag.
    const byDigest = oci && source.chart.includes("@sha256:");
    return {
        chart: pulumi.all(after).apply(() => oci ? source.chart : path.resolve(source.chart)),
        version: byDigest ? undefined : source.chartVersion,
        // The internal registry speaks plain HTTP only.
        plainHttp: oci,
    };
}

/**
 * Chart values of the common `{registry, repository, tag, sha}` image shape; with both a tag and a digest the
 * charts render `repository:tag@sha256:<sha>`.
 */
export function imageValues(image: ImageRef): { registry: string; repository: string; tag?: string; sha?: string } {
    return {
        registry: image.registry,
        repository: image.repository,
        ...(image.tag !== undefined || !image.digest ? { tag: image.tag } : {}),
        ...(image.digest ? { sha: image.digest.replace(/^sha256:/, "") } : {}),
    };
}

/** The tag for charts that render `repository:tag` and have no digest key: `tag@sha256:...` once pinned. */
export function tagWithDigest(image: ImageRef): string | undefined {
    return image.digest && image.tag !== undefined ? `${image.tag}@${image.digest}` : image.tag;
}

