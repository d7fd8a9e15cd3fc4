// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { imageString, resolveImage } from "../config";
import { GeneratedPassword } from "../providers/generated-password";
import { ChartSource, chartLocation } from "./helm-values";

/** Arguments of {@link Gitea}. */
export interface GiteaArgs {
    readonly namespace: string;
    readonly chart: ChartSource;
    /** Image path inside the internal registry, e.g. gitea:1.26.0-rootless. */
    readonly image: string;
    /** The internal registry's address, resolved once it answers. */
    readonly registry: pulumi.Input<string>;
    /** NodePort of the web UI and API (30000-32767). */
    readonly nodePort: number;
    /** Host of the NodePort URL (node-1's address). */
    readonly publicHost: string;
    readonly storageSize: string;
    /** Storage class of the data volume; the cluster default when unset. */
    readonly storageClass?: string;
    readonly adminUsername: string;
    readonly adminEmail: string;
}

/** Release name; the chart names its HTTP Service `<release>-http`. */
const RELEASE = "gitea";
const HTTP_PORT = 3000;

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

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, { parent: this });
        const adminPassword = new GeneratedPassword(`${name}-admin-password`, { length: 32 }, { parent: this });

        const adminSecret = new k8s.core.v1.Secret(`${name}-admin`, {
            metadata: { namespace: ns.metadata.name },
            stringData: { username: args.adminUsername, password: adminPassword.result },
        }, { parent: this });

        const image = pulumi.output(args.registry).apply((registry) => resolveImage(args.image, registry));
        const rootUrl = `http://${args.publicHost}:${args.nodePort}`;
        const chart = new k8s.helm.v4.Chart(`${name}-chart`, {
            ...chartLocation(args.chart, [args.registry]),
            name: RELEASE,
            namespace: ns.metadata.name,
            values: giteaValues({
                image: image.apply(imageString),
                // The rootless image listens and stores data differently; the chart must know which one it runs.
                rootless: image.apply((i) => (i.tag ?? "").endsWith("-rootless")),
                nodePort: args.nodePort,
                publicHost: args.publicHost,
                rootUrl,
                storageSize: args.storageSize,
                storageClass: args.storageClass,
                adminSecretName: adminSecret.metadata.name,
                adminEmail: args.adminEmail,
            }),
        }, { parent: this });

        const ready = chart.resources.apply(() => true);
        this.namespace = ns.metadata.name;
        this.inClusterUrl = pulumi.interpolate`http://${RELEASE}-http.${ns.metadata.name}.svc.cluster.local:${HTTP_PORT}`;
        this.nodePortUrl = ready.apply(() => rootUrl);
        this.adminSecretName = adminSecret.metadata.name;
        this.adminUsername = pulumi.output(args.adminUsername);
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

/** Inputs of {@link giteaValues}. */
export interface GiteaValueArgs {
    image: pulumi.Input<string>;
    rootless: pulumi.Input<boolean>;
    nodePort: number;
    publicHost: string;
    rootUrl: string;
    storageSize: string;
    storageClass?: string;
    adminSecretName: pulumi.Input<string>;
    adminEmail: string;
}

/** Values for the gitea chart (12.x): SQLite profile, NodePort, Actions with local actions, no test pod. */
export function giteaValues(a: GiteaValueArgs) {
    return {
        // fullOverride keeps the registry, path and tag exactly as configured.
        image: { fullOverride: a.image, rootless: a.rootless, pullPolicy: "IfNotPresent" },
        // The test pod's busybox:latest ignores every registry setting.
        test: { enabled: false },
        // One replica on a ReadWriteOnce volume: a surge pod could hang on another node.
        strategy: { type: "Recreate" },
        "postgresql-ha": { enabled: false },
        postgresql: { enabled: false },
        "valkey-cluster": { enabled: false },
        valkey: { enabled: false },
        persistence: { enabled: true, size: a.storageSize, ...(a.storageClass ? { storageClass: a.storageClass } : {}) },
        service: { http: { type: "NodePort", port: HTTP_PORT, nodePort: a.nodePort } },
        gitea: {
            admin: { existingSecret: a.adminSecretName, email: a.adminEmail, passwordMode: "keepUpdated" },
            config: {
                database: { DB_TYPE: "sqlite3" },
                // Without DOMAIN the chart takes ingress.hosts[0] (git.example.com) even with ingress off; without
                // HTTP_PORT the http Service renders an empty targetPort.
                server: { ROOT_URL: `${a.rootUrl}/`, DOMAIN: a.publicHost, SSH_DOMAIN: a.publicHost, HTTP_PORT, OFFLINE_MODE: true },
                // Anonymous visitors of the NodePort see nothing, not even public repositories or users.
                service: { DISABLE_REGISTRATION: true, REQUIRE_SIGNIN_VIEW: true },
                // `self`: workflows resolve `uses:` actions from this Gitea, never from github.com.
                actions: { ENABLED: true, DEFAULT_ACTIONS_URL: "self" },
                "cron.update_checker": { ENABLED: false },
            },
        },
    };
}
