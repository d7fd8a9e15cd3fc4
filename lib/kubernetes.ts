// Copyright 2026, airgap-platform authors.
//
// Kubernetes names, quantities and in-cluster Service URLs.

/** A DNS-1123 label (namespaces, most object names): 1 to 63 lowercase letters, digits and '-'. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS-1035 label (Service names): like a DNS label, but starting with a letter. */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A node name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit. */
export const NODE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** A label key: an optional DNS prefix and '/', then a name of up to 63 characters. */
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or up to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit. */
export const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * A non-negative resource quantity in the grammar of apimachinery's resource.Quantity (`100m`, `64Mi`, `1.5Gi`,
 * `2e3`): a number, then a binary suffix (Ki..Ei), a decimal suffix (m, k, M..E) or an exponent. The sign the
 * grammar allows is left out: requests, limits and volume sizes may not be negative.
 */
export const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][-+]?\d+)?$/;

/** `http(s)://<service>.<namespace>.svc[.cluster.local][:port][/path]`. */
export const IN_CLUSTER_URL = /^https?:\/\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.svc(\.cluster\.local)?(:\d{1,5})?(\/.*)?$/;

/** Service, namespace and port of an in-cluster Service URL (the scheme's port when none is written). */
export function inClusterService(url: string): { service: string; namespace: string; port: number } {
    const parsed = new URL(url);
    const [service, namespace] = parsed.hostname.split(".");
    return { service, namespace, port: Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80)) };
}
