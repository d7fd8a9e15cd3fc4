// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedPassword } from "../../providers/generated-password";
import { imageString, resolveImage } from "../../lib/image";
import { chartLocation } from "../helm-values";
import { namespaceArgs } from "../namespace";
import { GiteaSettings } from "./schema";
import { giteaValues, HTTP_PORT, RELEASE } from "./values";

export * from "./schema";
export { giteaValues, GiteaValueArgs } from "./values";

/** Arguments of {@link Gitea}. */
export interface GiteaArgs {
    /** Its settings; `publicHost` resolved (node-1). */
    readonly settings: GiteaSettings & { readonly publicHost: string };
    /** The internal registry's address, resolved once it answers. */
    readonly registry: pulumi.Input<string>;
}

/**
 * Gitea with Actions on, SQLite on a persistent volume and a generated admin, every image from the internal
 * registry. No instance-wide runner registration token is preset: the runners register for one organisation
 * with a token that GiteaContent obtains through the API (docs/gitea.md, "Runner scope").
 */
export class Gitea extends pulumi.ComponentResource {
    /** URL that pods in the cluster use, e.g. Argo CD's repository URL base. */
    public readonly inClusterUrl: pulumi.Output<string>;
    /** URL on node-1's NodePort; the runner registers with it and jobs see it as GITHUB_SERVER_URL. */
    public readonly nodePortUrl: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;
    /** Secret holding `username` and `password` of the admin. */
    public readonly adminSecretName: pulumi.Output<string>;
    public readonly adminUsername: pulumi.Output<string>;
    public readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: GiteaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:Gitea", name, {}, opts);
        const settings = args.settings;

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, namespaceArgs(settings.namespace), { parent: this });
        const adminPassword = new GeneratedPassword(`${name}-admin-password`, { length: 32 }, { parent: this });

        const adminSecret = new k8s.core.v1.Secret(`${name}-admin`, {
            metadata: { namespace: ns.metadata.name },
            stringData: { username: settings.adminUsername, password: adminPassword.result },
        }, { parent: this });

        const image = pulumi.output(args.registry).apply((registry) => resolveImage(settings.image, registry));
        const rootUrl = `http://${settings.publicHost}:${settings.nodePort}`;
        const chart = new k8s.helm.v4.Chart(`${name}-chart`, {
            ...chartLocation(settings, [args.registry]),
            name: RELEASE,
            namespace: ns.metadata.name,
            values: giteaValues({
                image: image.apply(imageString),
                // The rootless image listens and stores data differently; the chart must know which one it runs.
                rootless: image.apply((i) => (i.tag ?? "").endsWith("-rootless")),
                nodePort: settings.nodePort,
                publicHost: settings.publicHost,
                rootUrl,
                storageSize: settings.storageSize,
                storageClass: settings.storageClass,
                adminSecretName: adminSecret.metadata.name,
                adminEmail: settings.adminEmail,
            }),
        }, { parent: this });

        const ready = chart.resources.apply(() => true);
        this.namespace = ns.metadata.name;
        this.inClusterUrl = pulumi.interpolate`http://${RELEASE}-http.${ns.metadata.name}.svc.cluster.local:${HTTP_PORT}`;
        this.nodePortUrl = ready.apply(() => rootUrl);
        this.adminSecretName = adminSecret.metadata.name;
        this.adminUsername = pulumi.output(settings.adminUsername);
        this.adminPassword = adminPassword.result;
        this.registerOutputs({
            inClusterUrl: this.inClusterUrl,
            nodePortUrl: this.nodePortUrl,
            namespace: this.namespace,
            adminSecretName: this.adminSecretName,
            adminUsername: this.adminUsername,
            adminPassword: this.adminPassword,
        });
    }
}
