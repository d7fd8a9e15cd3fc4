// Copyright 2026, airgap-platform authors.

import { z } from "zod";
import { chartRef, chartVersion, cidr, dnsLabel, imageRef } from "../../lib/fields";

/** Settings of {@link ArgoRollouts}. */
export const argoRolloutsSchema = z.strictObject({
    namespace: dnsLabel("namespace").default("argo-rollouts"),
    /** Local chart path, or an OCI reference on the internal registry. */
    chart: chartRef,
    /** Exact version of the argo-rollouts chart (2.40.x). */
    chartVersion: chartVersion.default("2.40.9"),
    /** Controller image path inside the internal registry. */
    image: imageRef.default("argoproj/argo-rollouts:v1.9.0"),
    /** Whether the chart installs the Rollouts dashboard. */
    dashboard: z.boolean().default(false),
    dashboardImage: imageRef.default("argoproj/kubectl-argo-rollouts:v1.9.0"),
    /**
     * Ranges (e.g. `["192.168.2.2/32"]`) the controller may reach the API server on, ports 443 and 6443; unset, the
     * `kubernetes` Service IP and its EndpointSlice addresses are read from the cluster at every run.
     */
    apiServerCidrs: z.array(cidr).min(1, "must list at least one CIDR, or be left out to read the API server's addresses from the cluster").optional(),
});

export type ArgoRolloutsSettings = z.output<typeof argoRolloutsSchema>;
