// Copyright 2026, airgap-platform authors.

import { z } from "zod";
import { chartRef, chartVersion, dnsLabel, giteaRepository, hostName, httpUrl, imageRef } from "../../lib/fields";

/** One Argo CD Application, synced from a folder of the GitOps repository. */
export const applicationSchema = z.strictObject({
    name: dnsLabel("Application name"),
    /** Folder of the Git repository that Argo CD syncs. */
    path: z.string().min(1).refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), {
        message: "must be a relative folder inside the repository",
    }),
    /** Destination namespace; never a platform namespace. */
    namespace: dnsLabel("destination namespace"),
    targetRevision: z.string().min(1).default("main"),
    /** Informational inside Argo CD; Pulumi orders Applications with dependsOn. */
    syncWave: z.number().int().default(0),
    prune: z.boolean().default(true),
    selfHeal: z.boolean().default(true),
    createNamespace: z.boolean().default(true),
    /** Lets Argo CD skip the dry run of custom resources whose CRDs are not yet known. */
    skipDryRunOnMissingResource: z.boolean().default(true),
    /** Pod Security level enforced on the namespace Argo CD creates (CreateNamespace). */
    podSecurity: z.enum(["restricted", "baseline", "privileged"]).default("restricted"),
});

/** Settings of {@link ArgoCD}. */
export const argocdSchema = z.strictObject({
    namespace: dnsLabel("namespace").default("argocd"),
    /** Local chart path, or an OCI reference on the internal registry. */
    chart: chartRef,
    /** Exact version of the argo-cd chart (10.x). */
    chartVersion: chartVersion.default("10.1.1"),
    /** argocd image path inside the internal registry; a digest needs a tag before it (repository:tag@sha256:...). */
    image: imageRef.default("argoproj/argocd:v3.4.4"),
    redisImage: imageRef.default("docker/library/redis:8.2.3-alpine"),
    /** `global.domain` of the chart: Argo CD's URL in `argocd-cm` and notification links. */
    domain: hostName,
    /** The AppProject of every Application; `default` is refused. */
    project: dnsLabel("AppProject name").refine((p) => p !== "default", {
        message: "must not be 'default': the default project allows every source and destination",
    }).default("platform"),
    /** owner/name of the GitOps repository on Gitea. */
    gitRepo: giteaRepository.default("lumen/lumen"),
    /** The Git URL Argo CD syncs from; unset, the repository `gitRepo` in the Gitea this stack installs. */
    repoUrl: httpUrl("an http(s) Git URL").optional(),
    /** The Applications, each synced from a folder of the repository. */
    applications: z.array(applicationSchema),
});

export type ApplicationSettings = z.output<typeof applicationSchema>;
export type ArgoCDSettings = z.output<typeof argocdSchema>;
