// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resolveImage } from "../config";
import { ChartSource, chartLocation, imageValues } from "./helm-values";

/** Arguments of {@link ArgoRollouts}. */
export interface ArgoRolloutsArgs {
    readonly namespace: string;
    readonly chart: ChartSource;
    /** Controller image path inside the internal registry. */
    readonly image: string;
    readonly dashboard: boolean;
    readonly dashboardImage: string;
    readonly registry: pulumi.Input<string>;
    /** The Prometheus that analysis queries; the controller may reach it and nothing else in the cluster. */
    readonly prometheusUrl: pulumi.Input<string>;
}

const RELEASE = "argo-rollouts";

/**
 * The Argo Rollouts controller and its CRDs, with an egress NetworkPolicy: Prometheus, the API server and
 * DNS. Resources that use argoproj.io kinds wait for `crds` (dependsOn) so their CRDs exist first.
 */
export class ArgoRollouts extends pulumi.ComponentResource {
    /** Depend on these to be created after the Rollouts CRDs are established. */
    public readonly crds: pulumi.Resource[];
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: ArgoRolloutsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:ArgoRollouts", name, {}, opts);

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, { parent: this });
        const chart = new k8s.helm.v4.Chart(`${name}-chart`, {
            ...chartLocation(args.chart, [args.registry, args.prometheusUrl]),
            name: RELEASE,
            namespace: ns.metadata.name,
            values: pulumi.output(args.registry).apply((registry) => rolloutsValues(args, registry)),
        }, { parent: this });

        new k8s.networking.v1.NetworkPolicy(`${name}-controller-egress`, {
            metadata: { namespace: ns.metadata.name },
            spec: pulumi.output(args.prometheusUrl).apply(controllerEgress),
        }, { parent: this, dependsOn: chart });

        this.crds = [chart];
        this.namespace = ns.metadata.name;
        this.registerOutputs({ namespace: this.namespace });
    }
}

/** Values for the argo-rollouts chart (2.40.x); it has no global registry key, so each image names it. */
export function rolloutsValues(args: Pick<ArgoRolloutsArgs, "image" | "dashboard" | "dashboardImage">, registry: string) {
    return {
        installCRDs: true,
        controller: { image: imageValues(resolveImage(args.image, registry)) },
        dashboard: { enabled: args.dashboard, image: imageValues(resolveImage(args.dashboardImage, registry)) },
    };
}

/**
 * Egress of the controller pods. Seed 000 opened only monitoring:9090; a controller limited to that could
 * neither resolve the Prometheus name nor watch Rollouts, so DNS and the API server are allowed too.
 */
export function controllerEgress(prometheusUrl: string): k8s.types.input.networking.v1.NetworkPolicySpec {
    const url = new URL(prometheusUrl);
    const [, prometheusNamespace] = url.hostname.split(".");
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    return {
        podSelector: { matchLabels: { "app.kubernetes.io/name": RELEASE, "app.kubernetes.io/component": "rollouts-controller" } },
        policyTypes: ["Egress"],
        egress: [
            {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": prometheusNamespace } } }],
                ports: [{ protocol: "TCP", port }],
            },
            {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
                ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
            },
            // The API server is reached through the kubernetes Service (443) and, after DNAT, on its node port (6443).
            { ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] },
        ],
    };
}
