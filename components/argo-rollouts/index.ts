// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartLocation } from "../helm-values";
import { namespaceArgs } from "../namespace";
import { ArgoRolloutsSettings } from "./schema";
import { API_SERVER, apiServerPeers, controllerEgress, EgressPeer, RELEASE, rolloutsValues } from "./values";

export * from "./schema";
export { apiServerPeers, controllerEgress, EgressPeer, rolloutsValues } from "./values";

/** Arguments of {@link ArgoRollouts}. */
export interface ArgoRolloutsArgs {
    readonly settings: ArgoRolloutsSettings;
    /** The internal registry's address, resolved once it answers. */
    readonly registry: pulumi.Input<string>;
    /** The Prometheus that analysis queries; the controller may reach it and nothing else in the cluster. */
    readonly prometheusUrl: pulumi.Input<string>;
}

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
        const settings = args.settings;

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, namespaceArgs(settings.namespace), { parent: this });
        const chart = new k8s.helm.v4.Chart(`${name}-chart`, {
            ...chartLocation(settings, [args.registry, args.prometheusUrl]),
            name: RELEASE,
            namespace: ns.metadata.name,
            values: pulumi.output(args.registry).apply((registry) => rolloutsValues(settings, registry)),
        }, { parent: this });

        const apiServer = settings.apiServerCidrs
            ? pulumi.output([{ cidrs: settings.apiServerCidrs, ports: API_SERVER_PORTS }])
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
