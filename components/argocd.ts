// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ApplicationSettings, resolveImage } from "../config";
import { GeneratedPassword } from "../providers/generated-password";
import { ChartSource, chartLocation, tagWithDigest } from "./helm-values";

/** Arguments of {@link ArgoCD}. */
export interface ArgoCDArgs {
    readonly namespace: string;
    readonly chart: ChartSource;
    /** argocd image path inside the internal registry. */
    readonly image: string;
    readonly redisImage: string;
    readonly registry: pulumi.Input<string>;
    /** Host of Argo CD's own URL (`global.domain`: argocd-cm `url`, notification links). */
    readonly domain: string;
    /** The AppProject of every Application (never `default`). */
    readonly project: string;
    /** Git URL of the GitOps repository on Gitea. */
    readonly repoUrl: pulumi.Input<string>;
    readonly repoUsername: pulumi.Input<string>;
    readonly repoPassword: pulumi.Input<string>;
    readonly applications: ApplicationSettings[];
    /** Resources every Application waits for, e.g. the Argo Rollouts CRDs its manifests use. */
    readonly applicationsDependOn: pulumi.Input<pulumi.Resource>[];
}

const RELEASE = "argocd";
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

/**
 * Argo CD with a generated admin password, repository credentials for Gitea, a dedicated AppProject and the
 * configured Applications, which are created only after `applicationsDependOn`.
 */
export class ArgoCD extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    /** Secret that holds the admin password (bcrypt in `admin.password`); the clear text is `adminPassword`. */
    public readonly adminSecretName: pulumi.Output<string>;
    public readonly adminPassword: pulumi.Output<string>;
    public readonly applicationNames: pulumi.Output<string[]>;

    constructor(name: string, args: ArgoCDArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:ArgoCD", name, {}, opts);

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, { parent: this });
        const adminPassword = new GeneratedPassword(`${name}-admin-password`, { length: 32 }, { parent: this });
        const redisPassword = new GeneratedPassword(`${name}-redis-password`, { length: 32 }, { parent: this });
        // Replaces the chart's pre-install hook Job, which Pulumi does not run (the redis pod needs this Secret).
        const redisSecret = new k8s.core.v1.Secret(`${name}-redis`, {
            metadata: { name: "argocd-redis", namespace: ns.metadata.name },
            stringData: { auth: redisPassword.result },
        }, { parent: this });

        const chart = new k8s.helm.v4.Chart(`${name}-chart`, {
            ...chartLocation(args.chart, [args.registry]),
            name: RELEASE,
            namespace: ns.metadata.name,
            values: pulumi.all([args.registry, adminPassword.bcryptHash]).apply(([registry, hash]) =>
                argocdValues(args.image, args.redisImage, registry, hash, args.domain)),
        }, { parent: this, dependsOn: redisSecret });

        const repository = new k8s.core.v1.Secret(`${name}-repository`, {
            metadata: { namespace: ns.metadata.name, labels: { "argocd.argoproj.io/secret-type": "repository" } },
            stringData: { type: "git", url: args.repoUrl, username: args.repoUsername, password: args.repoPassword, project: args.project },
        }, { parent: this, dependsOn: chart });

        const project = new k8s.apiextensions.CustomResource(`${name}-project`, {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: { name: args.project, namespace: ns.metadata.name },
            spec: pulumi.output(args.repoUrl).apply((repoUrl) => appProjectSpec(repoUrl, args.applications)),
        }, { parent: this, dependsOn: chart });

        const applications = args.applications.map((app) => new k8s.apiextensions.CustomResource(`${name}-app-${app.name}`, {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: {
                name: app.name,
                namespace: ns.metadata.name,
                // Orders nothing between Applications that Pulumi creates (dependsOn does); kept for Argo CD's views.
                annotations: { "argocd.argoproj.io/sync-wave": String(app.syncWave) },
            },
            spec: pulumi.output(args.repoUrl).apply((repoUrl) => applicationSpec(app, args.project, repoUrl)),
        }, { parent: this, dependsOn: pulumi.output(args.applicationsDependOn).apply((deps) => [project, repository, ...deps]) }));

        this.namespace = ns.metadata.name;
        this.adminSecretName = pulumi.output("argocd-secret");
        this.adminPassword = adminPassword.result;
        this.applicationNames = pulumi.all(applications.map((a) => a.metadata.name));
        this.registerOutputs({
            namespace: this.namespace,
            adminSecretName: this.adminSecretName,
            adminPassword: this.adminPassword,
            applicationNames: this.applicationNames,
        });
    }
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
