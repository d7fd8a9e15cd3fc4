// Copyright 2026, airgap-platform authors.
//
// The zod field types that component settings are written in, each with the message a user reads when a
// value is wrong. Component schemas (components/<name>/schema.ts) and the platform config share them.

import * as net from "net";
import * as path from "path";
import { z } from "zod";
import { EXACT_SEMVER } from "./chart";
import { HOST_NAME, HOST_PORT } from "./address";
import { DNS_LABEL, QUANTITY } from "./kubernetes";

/** A DNS label; `what` names the thing in the message. */
export const dnsLabel = (what: string) =>
    z.string().regex(DNS_LABEL, `must be a DNS label (${what}): lowercase letters, digits and '-', 1 to 63 characters, starting and ending with a letter or digit`);

/** A storage size. */
export const quantity = z.string().regex(QUANTITY, "must be a Kubernetes quantity such as 10Gi");

/** host:port of a registry. */
export const hostPort = z.string().regex(HOST_PORT, "must be host:port, e.g. 192.168.2.2:5000");

/** A host name or IP address, without scheme or port. */
export const hostName = z.string().regex(HOST_NAME, "must be a host name or IP address, without scheme or port");

/** A TCP port. */
export const tcpPort = z.number().int().min(1).max(65535);

/** An IPv4 or IPv6 CIDR; a /0 prefix would mean any address. */
export const cidr = z.string().refine((value) => {
    const [address, prefix, ...rest] = value.split("/");
    const bits = net.isIPv4(address) ? 32 : net.isIPv6(address) ? 128 : 0;
    return rest.length === 0 && /^\d{1,3}$/.test(prefix ?? "") && Number(prefix) >= 1 && Number(prefix) <= bits;
}, { message: "must be an IP range such as 192.168.2.2/32 or fd00::1/128 (prefix 1 to 32, or 1 to 128 for IPv6; /0 would allow any address)" });

/** A Gitea user or organisation name (one namespace for both). */
export const giteaUserName = z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be a Gitea user name: letters, digits, '-', '_' and '.', starting with a letter or digit");

/** owner/name of a Gitea repository. */
export const giteaRepository = z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*\/[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be owner/name of a Gitea repository");

/** An http(s) URL; `example` completes the message. */
export const httpUrl = (example: string) => z.url({ protocol: /^https?$/, error: `must be ${example}` });

/**
 * Text handed to a node (paths, hosts, users, names): scripts quote every value, but a quote, a line break or
 * NUL has no business in any of them, and a leading '-' would read as an option to the commands they reach.
 */
export const nodeText = z.string().min(1).superRefine((value, ctx) => {
    const found = value.includes("'") ? "a single quote (')" : /[\n\r]/.test(value) ? "a line break"
        : value.includes("\0") ? "a NUL character" : value.startsWith("-") ? "a leading '-'" : undefined;
    if (found) {
        ctx.addIssue({ code: "custom", message: `contains ${found}: values that reach a node may not contain ', line breaks or NUL, nor start with '-'` });
    }
});

/** Folders that a registry data folder, a config root or a cache mounted into pods must never be. */
export const SYSTEM_FOLDERS = ["/", "/etc", "/usr", "/bin", "/boot", "/proc", "/sys", "/dev"];

/** An absolute path on a node: node text, at most PATH_MAX, never one of `refused` (after normalising). */
export const nodePath = (refused: string[]) => z.string().startsWith("/", "must be an absolute path on the node").pipe(nodeText).superRefine((value, ctx) => {
    if (Buffer.byteLength(value) > 4095) {
        ctx.addIssue({ code: "custom", message: "is longer than the 4095 bytes a Linux path may have" });
    }
    const normal = path.posix.normalize(value).replace(/(.)\/+$/, "$1");
    if (refused.includes(normal)) {
        ctx.addIssue({ code: "custom", message: `must not be the system folder ${normal}: choose a folder of its own (refused: ${refused.join(", ")})` });
    }
});

/** An SSH login name: letters, digits, '.', '_' and '-', not starting with '-'. */
export const sshUser = z.string().regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, "must be a user name of letters, digits, '.', '_' and '-', not starting with '-'");

/** An SSH host: a name of letters, digits, '.', '_' and '-' (not starting with '-'), or an IP address. */
export const sshHost = z.string().refine((host) => /^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(host) || net.isIP(host) !== 0, {
    message: "must be a host name of letters, digits, '.', '_' and '-' (not starting with '-') or an IP address",
});

/** A chart reference: a local folder or tarball, or an oci:// reference (checked against the registry by the platform config). */
export const chartRef = z.string().min(1).refine((ref) => !/^https?:\/\//.test(ref), {
    message: "must be a local chart path or an oci:// reference on the internal registry; a chart repository URL would be fetched from outside the airgap",
});

/** One exact chart version. */
export const chartVersion = z.string().regex(EXACT_SEMVER, "must be one exact chart version such as 2.40.9, not a range (^, ~, >=, x or *)");

/** An image path inside the internal registry, e.g. `argoproj/argocd:v3.4.4` (checked against the registry by the platform config). */
export const imageRef = z.string().min(1);

/** A runner label that workflows name in `runs-on`. */
export const runnerLabel = z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be a runner label");
