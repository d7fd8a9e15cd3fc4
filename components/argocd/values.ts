// Copyright 2026, airgap-platform authors.

import { resolveImage } from "../../lib/image";
import { tagWithDigest } from "../helm-values";
import { ApplicationSettings } from "./schema";

export const RELEASE = "argocd";
/** Fixed so that the chart renders the same argocd-secret every time (it defaults to `now`). */
const ADMIN_PASSWORD_MTIME = "2026-01-01T00:00:00Z";
const IN_CLUSTER = "https://kubernetes.default.svc";

/** Namespaced kinds that the project's Applications may create. */
export const NAMESPACED_KINDS = [
    { group: "", kind: "Service" }, { group: "", kind: "ConfigMap" }, { group: "", kind: "ServiceAccount" },
    { group: "argoproj.io", kind: "Rollout" }, { group: "argoproj.io", kind: "AnalysisTemplate" },
    { group: "autoscaling", kind: "HorizontalPodAutoscaler" }, { group: "networking.k8s.io", kind: "NetworkPolicy" },
    { group: "monitoring.coreos.com", kind: "ServiceMonitor" }, { group: "policy", kind: "PodDisruptionBudget" },
];
/** Cluster-scoped kinds besides the Applications' own namespaces: shared analysis templates. */
export const CLUSTER_KINDS = [{ group: "argoproj.io", kind: "ClusterAnalysisTemplate" }];

/** Labels that make the API server enforce a Pod Security Standard on a namespace (and warn and audit on it). */
export function podSecurityLabels(level: ApplicationSettings["podSecurity"]): Record<string, string> {
    return Object.fromEntries(["enforce", "audit", "warn"].map((mode) => [`pod-security.kubernetes.io/${mode}`, level]));
}

/** Values for the argo-cd chart (10.x). */
export function argocdValues(image: string, redisImage: string, registry: string, adminPasswordBcrypt: string, domain: string) {
    const argocd = resolveImage(image, registry);
    const redis = resolveImage(redisImage, registry);
    const repo = (i: typeof argocd) => `${i.registry}/${i.repository}`;
    return {
        // global.image reaches only the argocd image; redis (and dex, off here) need their own keys.
        // domain: argocd-cm `url` and notification links (the chart's default is argocd.example.com).
        global: { domain, image: { repository: repo(argocd), tag: tagWithDigest(argocd) } },
        dex: { enabled: false },
        redis: { image: { repository: repo(redis), tag: tagWithDigest(redis) } },
        redisSecretInit: { enabled: false },
        configs: {
            secret: { argocdServerAdminPassword: adminPasswordBcrypt, argocdServerAdminPasswordMtime: ADMIN_PASSWORD_MTIME },
            params: { "server.insecure": true },
        },
    };
}

/**
 * The project: internal sources only, the Applications' namespaces and nothing else, the kinds a Rollout app
 * needs. `Namespace` is allowed by name (Argo CD >= 3.2), only the Applications' own: a commit can neither adopt
 * nor prune another namespace such as kube-system.
 */
export function appProjectSpec(repoUrl: string, applications: ApplicationSettings[]) {
    const namespaces = [...new Set(applications.map((a) => a.namespace))];
    return {
        description: "Applications of the airgap platform, synced from the internal Gitea only.",
        sourceRepos: [repoUrl],
        destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
        clusterResourceWhitelist: [...namespaces.map((name) => ({ group: "", kind: "Namespace", name })), ...CLUSTER_KINDS],
        namespaceResourceWhitelist: NAMESPACED_KINDS,
    };
}

/**
 * One Application: automated sync with prune and self-heal, Rollout CRDs tolerated before they are known. The
 * namespace it creates carries its Pod Security labels (Argo CD applies managedNamespaceMetadata only with
 * CreateNamespace).
 */
export function applicationSpec(app: ApplicationSettings, project: string, repoUrl: string) {
    const syncOptions = [
        ...(app.createNamespace ? ["CreateNamespace=true"] : []),
        ...(app.skipDryRunOnMissingResource ? ["SkipDryRunOnMissingResource=true"] : []),
    ];
    return {
        project,
        source: { repoURL: repoUrl, path: app.path, targetRevision: app.targetRevision },
        destination: { server: IN_CLUSTER, namespace: app.namespace },
        syncPolicy: {
            automated: { prune: app.prune, selfHeal: app.selfHeal },
            syncOptions,
            ...(app.createNamespace ? { managedNamespaceMetadata: { labels: podSecurityLabels(app.podSecurity) } } : {}),
        },
    };
}
