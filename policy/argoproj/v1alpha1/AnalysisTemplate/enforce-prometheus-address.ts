// Copyright 2026, airgap-platform authors.

import { metricsOf, prometheusOf, TEMPLATE_KINDS } from "../../../lib/argo-rollouts";
import { DEFAULT_PROMETHEUS_URL } from "../../../lib/config";
import { defineRule } from "../../../lib/rule";
import { hasPlaceholder, isBlank, isUnknown, show } from "../../../lib/values";

interface Config {
    prometheusUrl: string;
    clusterDomain: string;
}

/** True for a host name that resolves to a Service from inside the cluster. */
export function isInClusterHost(host: string, clusterDomain: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, "");
    if (/^\d+\.\d+\.\d+\.\d+$/.test(h) || h.startsWith("[") || h === "localhost") {
        return false;
    }
    const labels = h.split(".");
    return labels.length <= 2 || h.endsWith(".svc") || h.endsWith(`.svc.${clusterDomain.toLowerCase()}`);
}

function normalise(url: string): string {
    try {
        const u = new URL(url);
        return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, "")}`;
    } catch {
        return url.replace(/\/+$/, "");
    }
}

/**
 * The Prometheus address of an analysis metric is an in-cluster Service URL (the controller runs in
 * the cluster; a NodePort or external address breaks with the node or the network policy), and it is
 * the platform's Prometheus. The Monitoring component (airgap:index:Monitoring) exposes its URL as an
 * output, which policies cannot read, so the rule compares with the configured prometheusUrl, whose
 * default is the URL that component installs.
 */
export const analysisTemplateEnforcePrometheusAddress = defineRule<Config>({
    name: "analysistemplate-enforce-prometheus-address",
    description: "Requires the Prometheus address of every analysis metric to be an in-cluster Service URL and to equal the platform's Prometheus URL (the configured prometheusUrl, by default the URL the Monitoring component installs). The controller queries from inside the cluster, and analysis must read the platform's own metrics.",
    configSchema: {
        properties: {
            prometheusUrl: { type: "string", default: DEFAULT_PROMETHEUS_URL, description: "The Prometheus URL every analysis must use; an empty string only checks that the address is in-cluster." },
            clusterDomain: { type: "string", default: "cluster.local", description: "The cluster DNS domain." },
        },
    },
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set provider.prometheus.address to the platform's Prometheus URL (the rule's prometheusUrl; the platform stack exports it as analysisPrometheusUrl).",
    scope: "resource",
    kinds: [...TEMPLATE_KINDS],
    check(entry, ctx, report) {
        const expected = ctx.config.prometheusUrl;
        for (const { metric, path, name } of metricsOf(entry)) {
            const prometheus = prometheusOf(metric);
            if (prometheus === undefined || isUnknown(prometheus.address)) {
                continue;
            }
            const field = `${path}.provider.prometheus.address`;
            const address = prometheus.address;
            if (isBlank(address) || typeof address !== "string") {
                report(`${field} (metric "${name}") is ${show(address)}; set it to ${expected || "the in-cluster Prometheus Service URL"}.`);
                continue;
            }
            if (hasPlaceholder(address)) {
                continue;
            }
            let inCluster = false;
            try {
                const url = new URL(address);
                inCluster = (url.protocol === "http:" || url.protocol === "https:") && isInClusterHost(url.hostname, ctx.config.clusterDomain);
            } catch {
                inCluster = false;
            }
            if (expected !== "" && normalise(address) !== normalise(expected)) {
                report(`${field} (metric "${name}") is "${address}"${inCluster ? "" : ", which is not an in-cluster Service URL"}; use the platform's Prometheus, "${expected}".`);
            } else if (!inCluster) {
                report(`${field} (metric "${name}") is "${address}", which is not an in-cluster Service URL (http://<service>.<namespace>.svc.${ctx.config.clusterDomain}:<port>); the controller queries from inside the cluster.`);
            }
        }
    },
});
