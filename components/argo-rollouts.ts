// Copyright 2026, airgap-platform authors.

import * as net from "net";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ImageRef, resolveImage } from "../config";
import { ChartSource, chartLocation, tagWithDigest } from "./helm-values";

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
    /** Where the API server is; unset, read from the cluster (the kubernetes Service and its EndpointSlice). */
    readonly apiServerCidrs?: string[];
}

/** One egress destination of the controller: these address ranges, on these TCP ports. */
export interface EgressPeer {
    readonly cidrs: string[];
    readonly ports: number[];
}

const RELEASE = "argo-rollouts";
/** The API server's Service (always in `default`) and, with the same name, the EndpointSlice the API server keeps. */
const API_SERVER = "default/kubernetes";
/** Ports of the API server when its address is configured: the Service port and the usual secure port. */
const API_SERVER_PORTS = [443, 6443];

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

        const apiServer = args.apiServerCidrs
            ? pulumi.output([{ cidrs: args.apiServerCidrs, ports: API_SERVER_PORTS }])
            : this.apiServerInCluster(name);
        new k8s.networking.v1.NetworkPolicy(`${name}-controller-egress`, {
            metadata: { namespace: ns.metadata.name },
            spec: pulumi.all([args.prometheusUrl, apiServer]).apply(([url, peers]) => controllerEgress(url, peers)),
        }, { parent: this, dependsOn: chart });

        this.crds = [chart];
        this.namespace = ns.metadata.name;
        this.registerOutputs({ namespace: this.namespace });
    }

    /**
     * The API server as the cluster publishes it, read (never changed) at every run. The reads hang off the stack,
     * with this component's provider: Pulumi performs reads even in a targeted up that skips this component, and a
     * read whose parent was skipped leaves a state that fails its integrity check.
     */
    private apiServerInCluster(name: string): pulumi.Output<EgressPeer[]> {
        const read = { provider: this.getProvider("kubernetes::") };
        const service = k8s.core.v1.Service.get(`${name}-api-server-service`, API_SERVER, read);
        const endpoints = k8s.discovery.v1.EndpointSlice.get(`${name}-api-server-endpoints`, API_SERVER, read);
        return pulumi.all([service.spec, endpoints.endpoints, endpoints.ports]).apply(([spec, slice, ports]) =>
            apiServerPeers(spec, { endpoints: slice, ports }));
    }
}

/** Peers of the API server: its Service IP on the Service port, its endpoints on their port (after DNAT). */
export function apiServerPeers(
    service: { clusterIPs?: string[]; clusterIP?: string; ports?: { port: number }[] } | undefined,
    slice: { endpoints?: { addresses?: string[] }[]; ports?: { port?: number }[] },
): EgressPeer[] {
    const serviceIps = (service?.clusterIPs ?? (service?.clusterIP ? [service.clusterIP] : [])).filter((ip) => net.isIP(ip) !== 0);
    const servicePorts = (service?.ports ?? []).map((p) => p.port);
    const endpointIps = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []).filter((ip) => net.isIP(ip) !== 0);
    const endpointPorts = (slice.ports ?? []).flatMap((p) => (p.port === undefined ? [] : [p.port]));
    if (serviceIps.length === 0 || servicePorts.length === 0 || endpointIps.length === 0 || endpointPorts.length === 0) {
        throw new Error(`could not read the API server's addresses from Service and EndpointSlice ${API_SERVER} ` +
            `(service ${serviceIps.join(",") || "none"}:${servicePorts.join(",") || "none"}, endpoints ${endpointIps.join(",") || "none"}:${endpointPorts.join(",") || "none"}); ` +
            "set airgap-platform:argoRollouts.apiServerCidrs to the API server's addresses instead");
    }
    const hostRange = (ip: string) => `${ip}/${net.isIPv6(ip) ? 128 : 32}`;
    return [
        { cidrs: serviceIps.map(hostRange), ports: servicePorts },
        { cidrs: [...new Set(endpointIps)].map(hostRange), ports: [...new Set(endpointPorts)] },
    ];
}

/** The chart renders `registry/repository:tag` and has no digest key, so a pinned digest rides on the tag. */
function rolloutsImage(image: ImageRef) {
    return { registry: image.registry, repository: image.repository, tag: tagWithDigest(image) };
}

/** Values for the argo-rollouts chart (2.40.x); it has no global registry key, so each image names it. */
export function rolloutsValues(args: Pick<ArgoRolloutsArgs, "image" | "dashboard" | "dashboardImage">, registry: string) {
    return {
        installCRDs: true,
        controller: { image: rolloutsImage(resolveImage(args.image, registry)) },
        dashboard: { enabled: args.dashboard, image: rolloutsImage(resolveImage(args.dashboardImage, registry)) },
    };
}

/**
 * Egress of the controller pods. Seed 000 opened only monitoring:9090; a controller limited to that could
 * neither resolve the Prometheus name nor watch Rollouts, so DNS and the API server (its addresses only) are
 * allowed too.
 */
export function controllerEgress(prometheusUrl: string, apiServer: EgressPeer[]): k8s.types.input.networking.v1.NetworkPolicySpec {
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
            // Whether a NetworkPolicy sees the Service IP or the endpoint behind it (after DNAT) depends on the
            // network plugin, so both are listed, each with its own port.
            ...apiServer.map((peer) => ({
                to: peer.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
                ports: peer.ports.map((port) => ({ protocol: "TCP", port })),
            })),
        ],
    };
}
