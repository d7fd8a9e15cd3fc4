// Copyright 2026, airgap-platform authors.

import * as net from "net";
import * as k8s from "@pulumi/kubernetes";
import { ImageRef, resolveImage } from "../../lib/image";
import { inClusterService } from "../../lib/kubernetes";
import { tagWithDigest } from "../helm-values";
import { ArgoRolloutsSettings } from "./schema";

/** One egress destination of the controller: these address ranges, on these TCP ports. */
export interface EgressPeer {
    readonly cidrs: string[];
    readonly ports: number[];
}

export const RELEASE = "argo-rollouts";
/** The API server's Service (always in `default`) and, with the same name, the EndpointSlice the API server keeps. */
export const API_SERVER = "default/kubernetes";

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
export function rolloutsValues(args: Pick<ArgoRolloutsSettings, "image" | "dashboard" | "dashboardImage">, registry: string) {
    return {
        installCRDs: true,
        controller: { image: rolloutsImage(resolveImage(args.image, registry)) },
        dashboard: { enabled: args.dashboard, image: rolloutsImage(resolveImage(args.dashboardImage, registry)) },
    };
}

/**
 * Egress of the controller pods. The hand-run platform (docs/origins.md) opened only monitoring:9090; a
 * controller limited to that could neither resolve the Prometheus name nor watch Rollouts, so DNS and the API
 * server (its addresses only) are allowed too.
 */
export function controllerEgress(prometheusUrl: string, apiServer: EgressPeer[]): k8s.types.input.networking.v1.NetworkPolicySpec {
    const { namespace: prometheusNamespace, port } = inClusterService(prometheusUrl);
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
