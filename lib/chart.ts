// Copyright 2026, airgap-platform authors.
//
// Helm chart references: a local folder or tarball, or `oci://<registry>/<path>[@sha256:...]`.

/** One exact (semver) version, never a range. */
export const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const OCI = "oci://";

/** Is this chart reference pulled from a registry (as opposed to a local path)? */
export function isOciChart(chart: string): boolean {
    return chart.startsWith(OCI);
}

/** The registry host:port of an oci:// chart reference. */
export function ociChartRegistry(chart: string): string {
    return chart.slice(OCI.length).split("/")[0];
}
