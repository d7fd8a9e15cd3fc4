// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedPassword } from "../../providers/generated-password";
import { chartLocation } from "../helm-values";
import { namespaceArgs } from "../namespace";
import { ArgoCDSettings } from "./schema";
import { applicationSpec, appProjectSpec, argocdValues, RELEASE } from "./values";

export * from "./schema";
export { applicationSpec, appProjectSpec, argocdValues, CLUSTER_KINDS, NAMESPACED_KINDS, podSecurityLabels } from "./values";

/** Arguments of {@link ArgoCD}. */
export interface ArgoCDArgs {
    /** Its settings; `domain` resolved (node-1). */
    readonly settings: ArgoCDSettings & { readonly domain: string };
    /** The internal registry's address, resolved once it answers. */
    readonly registry: pulumi.Input<string>;
    /** The Gitea that holds `gitRepo`, cloned through its in-cluster URL unless `repoUrl` is set. */
    readonly gitea?: { readonly inClusterUrl: pulumi.Input<string> };
    /** Argo CD's read-only machine user and token; without them it clones anonymously. */
    readonly repositoryAccess?: { readonly argocdUsername: pulumi.Input<string>; readonly argocdToken: pulumi.Input<string> };
    /** Resources every Application waits for, e.g. the Argo Rollouts CRDs its manifests use. */
    readonly applicationsDependOn: pulumi.Input<pulumi.Resource>[];
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
        const settings = args.settings;
        const repoUrl = settings.repoUrl !== undefined ? pulumi.output(settings.repoUrl) : args.gitea !== undefined
            ? pulumi.interpolate`${args.gitea.inClusterUrl}/${settings.gitRepo}.git`
            : undefined;
        if (repoUrl === undefined) {
            throw new Error(`${name}: argocd.repoUrl is required when Argo CD does not clone from the Gitea of this stack`);
        }
        // Without Gitea's machine user, Argo CD clones anonymously.
        const username = args.repositoryAccess ? args.repositoryAccess.argocdUsername : "";
        const password = args.repositoryAccess ? args.repositoryAccess.argocdToken : "";

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, namespaceArgs(settings.namespace), { parent: this });
        const adminPassword = new GeneratedPassword(`${name}-admin-password`, { length: 32 }, { parent: this });
        const redisPassword = new GeneratedPassword(`${name}-redis-password`, { length: 32 }, { parent: this });
        // Replaces the chart's pre-install hook Job, which Pulumi does not run (the redis pod needs this Secret).
        const redisSecret = new k8s.core.v1.Secret(`${name}-redis`, {
            metadata: { name: "argocd-redis", namespace: ns.metadata.name },
            stringData: { auth: redisPassword.result },
        }, { parent: this });

        const chart = new k8s.helm.v4.Chart(`${name}-chart`, {
            ...chartLocation(settings, [args.registry]),
            name: RELEASE,
            namespace: ns.metadata.name,
            values: pulumi.all([args.registry, adminPassword.bcryptHash]).apply(([registry, hash]) =>
                argocdValues(settings.image, settings.redisImage, registry, hash, settings.domain)),
        }, { parent: this, dependsOn: redisSecret });

        const repository = new k8s.core.v1.Secret(`${name}-repository`, {
            metadata: { namespace: ns.metadata.name, labels: { "argocd.argoproj.io/secret-type": "repository" } },
            stringData: { type: "git", url: repoUrl, username, password, project: settings.project },
        }, { parent: this, dependsOn: chart });

        const project = new k8s.apiextensions.CustomResource(`${name}-project`, {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: { name: settings.project, namespace: ns.metadata.name },
            spec: repoUrl.apply((url) => appProjectSpec(url, settings.applications)),
        }, { parent: this, dependsOn: chart });

        const applications = settings.applications.map((app) => new k8s.apiextensions.CustomResource(`${name}-app-${app.name}`, {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: {
                name: app.name,
                namespace: ns.metadata.name,
                // Orders nothing between Applications that Pulumi creates (dependsOn does); kept for Argo CD's views.
                annotations: { "argocd.argoproj.io/sync-wave": String(app.syncWave) },
            },
            spec: repoUrl.apply((url) => applicationSpec(app, settings.project, url)),
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
