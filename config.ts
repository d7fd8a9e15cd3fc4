// Copyright 2026, airgap-platform authors.
//
// The platform's configuration: one schema, read once, validated before any resource exists.
// Every default lives here; Pulumi.yaml declares the keys and README.md documents them.

import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** The project's config namespace (`<namespace>:<key>` in stack files). */
export const CONFIG_NAMESPACE = "airgap-platform";

/** Keys read as Pulumi secrets rather than through the schema. */
const SECRET_KEYS = ["sshPrivateKey", "kubeconfig"] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST_PORT = /^(?<host>[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):(?<port>\d{1,5})$/;
const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const IN_CLUSTER_URL = /^https?:\/\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.svc(\.cluster\.local)?(:\d{1,5})?(\/.*)?$/;

const dnsLabel = (what: string) =>
    z.string().regex(DNS_LABEL, `must be a DNS label (${what}): lowercase letters, digits and '-', 1 to 63 characters, starting and ending with a letter or digit`);

const quantity = z.string().regex(QUANTITY, "must be a Kubernetes quantity such as 10Gi");

/** A host name or IPv4 address (no scheme, no port). */
const HOST_NAME = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/;

/** An IPv4 or IPv6 CIDR; a /0 prefix would mean any address. */
const cidr = z.string().refine((value) => {
    const [address, prefix, ...rest] = value.split("/");
    const bits = net.isIPv4(address) ? 32 : net.isIPv6(address) ? 128 : 0;
    return rest.length === 0 && /^\d{1,3}$/.test(prefix ?? "") && Number(prefix) >= 1 && Number(prefix) <= bits;
}, { message: "must be an IP range such as 192.168.2.2/32 or fd00::1/128 (prefix 1 to 32, or 1 to 128 for IPv6; /0 would allow any address)" });

const absolutePath = z.string().startsWith("/", "must be an absolute path on the node");

/** A Gitea user or organisation name (one namespace for both). */
const giteaUserName = z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be a Gitea user name: letters, digits, '-', '_' and '.', starting with a letter or digit");

/**
 * Text handed to a node (paths, hosts, users, names): scripts quote every value, but a quote, a line break or
 * NUL has no business in any of them, and a leading '-' would read as an option to the commands they reach.
 */
const nodeText = z.string().min(1).superRefine((value, ctx) => {
    const found = value.includes("'") ? "a single quote (')" : /[\n\r]/.test(value) ? "a line break"
        : value.includes("\0") ? "a NUL character" : value.startsWith("-") ? "a leading '-'" : undefined;
    if (found) {
        ctx.addIssue({ code: "custom", message: `contains ${found}: values that reach a node may not contain ', line breaks or NUL, nor start with '-'` });
    }
});

/** Folders that a registry data folder, a config root or a cache mounted into pods must never be. */
const SYSTEM_FOLDERS = ["/", "/etc", "/usr", "/bin", "/boot", "/proc", "/sys", "/dev"];

/** An absolute path on a node: node text, at most PATH_MAX, never one of `refused` (after normalising). */
const nodePath = (refused: string[]) => absolutePath.pipe(nodeText).superRefine((value, ctx) => {
    if (Buffer.byteLength(value) > 4095) {
        ctx.addIssue({ code: "custom", message: "is longer than the 4095 bytes a Linux path may have" });
    }
    const normal = path.posix.normalize(value).replace(/(.)\/+$/, "$1");
    if (refused.includes(normal)) {
        ctx.addIssue({ code: "custom", message: `must not be the system folder ${normal}: choose a folder of its own (refused: ${refused.join(", ")})` });
    }
});

/** An SSH login name: letters, digits, '.', '_' and '-', not starting with '-'. */
const sshUser = z.string().regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, "must be a user name of letters, digits, '.', '_' and '-', not starting with '-'");

/** An SSH host: a name of letters, digits, '.', '_' and '-' (not starting with '-'), or an IP address. */
const sshHost = z.string().refine((host) => /^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(host) || net.isIP(host) !== 0, {
    message: "must be a host name of letters, digits, '.', '_' and '-' (not starting with '-') or an IP address",
});

/** A chart reference: a local folder or tarball, or an oci:// reference (checked against the registry later). */
const chartRef = z.string().min(1).refine((ref) => !/^https?:\/\//.test(ref), {
    message: "must be a local chart path or an oci:// reference on the internal registry; a chart repository URL would be fetched from outside the airgap",
});

const chartVersion = z.string().regex(EXACT_SEMVER, "must be one exact chart version such as 2.40.9, not a range (^, ~, >=, x or *)");

/** An image path inside the internal registry, e.g. `argoproj/argocd:v3.4.4` (a full reference on that registry is accepted too). */
const imageRef = z.string().min(1);

const component = <T extends z.ZodRawShape>(shape: T) =>
    // prefault (not default): an absent section still gets every field's default.
    z.strictObject({ enabled: z.boolean().default(true), ...shape }).prefault({} as never);

const nodeRuntime = z.enum(["k3s", "k3s-agent", "containerd", "docker"]);

const clusterNode = z.strictObject({
    /** Kubernetes node name. */
    name: z.string().max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a Kubernetes node name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"),
    /** Address that SSH reaches the node on. */
    host: sshHost,
    /** Container runtimes on the node that must trust the plain-HTTP registry. */
    runtimes: z.array(nodeRuntime).min(1, "must name at least one runtime (k3s, k3s-agent, containerd, docker)"),
    sshPort: z.number().int().min(1).max(65535).optional(),
    sshUser: sshUser.optional(),
});

const application = z.strictObject({
    name: dnsLabel("Application name"),
    /** Folder of the Git repository that Argo CD syncs. */
    path: z.string().min(1).refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), {
        message: "must be a relative folder inside the repository",
    }),
    namespace: dnsLabel("destination namespace"),
    targetRevision: z.string().min(1).default("main"),
    /** Informational inside Argo CD; Pulumi orders Applications with dependsOn. */
    syncWave: z.number().int().default(0),
    prune: z.boolean().default(true),
    selfHeal: z.boolean().default(true),
    createNamespace: z.boolean().default(true),
    /** Lets Argo CD skip the dry run of custom resources whose CRDs are not yet known. */
    skipDryRunOnMissingResource: z.boolean().default(true),
    /** Pod Security level enforced on the namespace Argo CD creates (CreateNamespace). */
    podSecurity: z.enum(["restricted", "baseline", "privileged"]).default("restricted"),
});

/** Namespaces that no Application may target: the platform's defaults and the cluster's own. */
export const PLATFORM_NAMESPACES = ["argocd", "gitea", "monitoring", "argo-rollouts", "kube-system", "kube-public", "kube-node-lease", "default"];

const LUMEN_APP = {
    name: "lumen-app",
    path: "03-airgap-zone/manifests/app",
    namespace: "lumen",
    syncWave: 3,
};

export const platformSchema = z.strictObject({
    /** Empty means the kubeconfig's current context. */
    kubeContext: z.string().optional().transform((c) => c || undefined),
    registry: component({
        /** host:port of node-1's registry, as every node and chart refers to it. */
        address: z.string().regex(HOST_PORT, "must be host:port, e.g. 192.168.2.2:5000").default("192.168.2.2:5000"),
        /** `docker` runs the registry:2 container; `package` runs Debian's docker-registry binary (containerd-only nodes). */
        mode: z.enum(["docker", "package"]).default("docker"),
        /** The registry image, loaded from imageTarball (docker mode); never pulled. */
        image: imageRef.default("registry:2.8.3"),
        imageTarball: nodeText.refine((file) => !path.basename(file).startsWith("-"), {
            message: "file name must not start with '-': it is passed to docker load on the node",
        }).default("airgap-bundle/images/registry-2.8.3.tar"),
        /** Host directory holding the registry's blobs; kept when the stack is destroyed. */
        dataDir: nodePath(SYSTEM_FOLDERS).refine((dir) => !dir.includes(":"), {
            message: "must not contain ':' (docker -v splits the mount at it)",
        }).default("/var/lib/registry"),
        sshHost: sshHost.optional(),
        sshPort: z.number().int().min(1).max(65535).default(22),
        sshUser: sshUser.default("ubuntu"),
        /** known_hosts lines of the nodes (ssh-keyscan output); unset, a node's key is accepted on first contact. */
        sshKnownHosts: z.string().min(1).optional(),
        /** Prefix for every file written on the nodes (tests point it at a scratch folder). */
        // "/" is the production value (files at their real places); a system folder as the prefix is a typo.
        nodeConfigRoot: nodePath(SYSTEM_FOLDERS.filter((f) => f !== "/")).default("/"),
        /** Deadline of each SSH step (a script or a file copy, connection retries included), in seconds. */
        sshStepTimeoutSeconds: z.number().int().min(10, "must be at least 10 seconds").max(86400, "must be at most 86400 seconds (a day)").default(300),
        nodes: z.array(clusterNode).default([{ name: "node-1", host: "192.168.2.2", runtimes: ["k3s", "docker"] }]),
    }),
    gitea: component({
        namespace: dnsLabel("namespace").default("gitea"),
        chart: chartRef.default("oci://192.168.2.2:5000/charts/gitea"),
        chartVersion: chartVersion.default("12.7.0"),
        /** 1.26: the line whose API the content resources were verified against (docs/gitea.md). */
        image: imageRef.default("gitea:1.26.0-rootless"),
        nodePort: z.number().int().min(30000, "must be a NodePort between 30000 and 32767").max(32767, "must be a NodePort between 30000 and 32767").default(30300),
        /** Host in the NodePort URL; defaults to the registry host (node-1). */
        publicHost: z.string().min(1).optional(),
        storageSize: quantity.default("10Gi"),
        storageClass: z.string().min(1).optional(),
        adminUsername: giteaUserName.refine((u) => u.toLowerCase() !== "admin", {
            message: "'admin' is reserved by Gitea; choose another name",
        }).default("gitea-admin"),
        adminEmail: z.email("must be an e-mail address").default("gitea-admin@airgap.local"),
    }),
    /** What the stack keeps inside Gitea: the GitOps repository's organisation, machine users, tokens and first commit. */
    giteaContent: component({
        /** Gitea's base URL as the machine running pulumi reaches it; Gitea's NodePort URL when unset. */
        apiUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://192.168.2.2:30300" }).optional(),
        /** Machine user whose read-only token Argo CD clones with. */
        argocdUser: giteaUserName.default("argocd"),
        /** Machine user whose write token the pipeline gets as the repository's CI_TOKEN secret. */
        ciUser: giteaUserName.default("lumen-ci"),
        /** Raise by one to issue a new token (the old one is deleted once its consumer has the new one). */
        argocdTokenRotation: z.number().int().min(1, "must be a whole number from 1; raise it by one to rotate the token").default(1),
        ciTokenRotation: z.number().int().min(1, "must be a whole number from 1; raise it by one to rotate the token").default(1),
        /** Commit status contexts a pull request to main needs before merging (empty until the preview check exists). */
        requiredStatusChecks: z.array(z.string().min(1)).default([]),
        requiredApprovals: z.number().int().min(0).max(10).default(0),
    }),
    actRunner: component({
        image: imageRef.default("gitea/act_runner:0.2.11"),
        /** The node whose Docker engine builds images (and hosts the registry). */
        nodeName: z.string().min(1).default("node-1"),
        runnerName: dnsLabel("runner name").default("node-1-runner"),
        /** Label that workflows put in `runs-on`, mapped to the builder image. */
        jobLabel: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be a runner label").default("lumen-builder"),
        jobImage: imageRef.default("lumen-api:builder"),
        /** Second runner on node-1 whose job containers get no Docker socket: every job a pull request starts. */
        sandboxRunnerName: dnsLabel("runner name").default("node-1-sandbox-runner"),
        sandboxLabel: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be a runner label").default("lumen-sandbox"),
        sandboxJobImage: imageRef.default("lumen-api:builder"),
        trivyCachePath: nodePath(SYSTEM_FOLDERS).default("/var/cache/trivy"),
        stateSize: quantity.default("1Gi"),
    }),
    monitoring: component({
        namespace: dnsLabel("namespace").default("monitoring"),
        chart: chartRef.default("oci://192.168.2.2:5000/charts/kube-prometheus-stack"),
        chartVersion: chartVersion.default("88.5.3"),
        /** Required when the component is off: the cluster's existing in-cluster Prometheus URL. */
        prometheusUrl: z.string().regex(IN_CLUSTER_URL, "must be an in-cluster service URL such as http://<service>.<namespace>.svc.cluster.local:9090").optional(),
        images: z.strictObject({
            operator: imageRef.default("prometheus-operator/prometheus-operator:v0.93.1"),
            configReloader: imageRef.default("prometheus-operator/prometheus-config-reloader:v0.93.1"),
            prometheus: imageRef.default("prometheus/prometheus:v3.14.0-distroless"),
            alertmanager: imageRef.default("prometheus/alertmanager:v0.34.0"),
            kubeStateMetrics: imageRef.default("kube-state-metrics/kube-state-metrics:v2.20.0"),
            nodeExporter: imageRef.default("prometheus/node-exporter:v1.12.1-distroless"),
            grafana: imageRef.default("grafana/grafana:13.2.0"),
            grafanaSidecar: imageRef.default("kiwigrid/k8s-sidecar:2.10.1"),
            /** Certificate Jobs of the admission webhooks; kept internal even though the webhooks are off. */
            webhookCertgen: imageRef.default("jkroepke/kube-webhook-certgen:1.8.7"),
            /** The operator's default Thanos image (sidecars, ThanosRuler); only pulled if Thanos is used. */
            thanos: imageRef.default("thanos/thanos:v0.42.4"),
        }).prefault({}),
    }),
    argoRollouts: component({
        namespace: dnsLabel("namespace").default("argo-rollouts"),
        chart: chartRef.default("oci://192.168.2.2:5000/charts/argo-rollouts"),
        chartVersion: chartVersion.default("2.40.9"),
        image: imageRef.default("argoproj/argo-rollouts:v1.9.0"),
        dashboard: z.boolean().default(false),
        dashboardImage: imageRef.default("argoproj/kubectl-argo-rollouts:v1.9.0"),
        /** Where the controller may reach the API server; unset, the kubernetes Service's IP and endpoints are read from the cluster. */
        apiServerCidrs: z.array(cidr).min(1, "must list at least one CIDR, or be left out to read the API server's addresses from the cluster").optional(),
    }),
    argocd: component({
        namespace: dnsLabel("namespace").default("argocd"),
        chart: chartRef.default("oci://192.168.2.2:5000/charts/argo-cd"),
        chartVersion: chartVersion.default("10.1.1"),
        image: imageRef.default("argoproj/argocd:v3.4.4"),
        redisImage: imageRef.default("docker/library/redis:8.2.3-alpine"),
        /** Host in Argo CD's own URL (argocd-cm url, notification links); defaults to the registry host (node-1). */
        domain: z.string().regex(HOST_NAME, "must be a host name or IP address, without scheme or port").optional(),
        project: dnsLabel("AppProject name").refine((p) => p !== "default", {
            message: "must not be 'default': the default project allows every source and destination",
        }).default("platform"),
        /** owner/name of the Gitea repository that holds the GitOps manifests. */
        gitRepo: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*\/[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be owner/name of a Gitea repository").default("lumen/lumen"),
        /** Required when gitea is off: the Git URL Argo CD syncs from. */
        repoUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) Git URL" }).optional(),
        applications: z.array(application).prefault([LUMEN_APP]),
    }),
    /** The airgap supply: the lock every image and chart is pinned to, and the bundle the seed pushes. */
    supply: component({
        /** artifacts.lock.yaml, written by `npm run artifacts:find -- --write`. */
        lock: z.string().min(1).default("artifacts.lock.yaml"),
        /** The bundle `npm run bundle` made from that lock (an OCI image layout folder). */
        bundle: z.string().min(1).default("airgap-bundle/supply"),
        /** Parallel transfers while seeding. */
        jobs: z.number().int().min(1).max(32).default(4),
    }),
});

export type PlatformSettings = z.output<typeof platformSchema>;
export type ApplicationSettings = z.output<typeof application>;
export type ClusterNodeSettings = z.output<typeof clusterNode>;

/** Everything the program needs: validated settings plus the secrets read beside them. */
export interface PlatformConfig extends PlatformSettings {
    /** SSH key for the registry node and the nodes whose runtimes are configured. */
    sshPrivateKey?: pulumi.Output<string>;
    /** Kubeconfig contents or path; the provider falls back to $KUBECONFIG when unset. */
    kubeconfig?: pulumi.Output<string>;
}

/** Raised with every problem of the configuration at once; the engine prints it without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(public readonly problems: string[]) {
        super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
            problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** A parsed image reference. */
export interface ImageRef {
    /** The registry host:port. */
    registry: string;
    /** The repository path inside the registry. */
    repository: string;
    tag?: string;
    digest?: string;
}

/** `registry/repository:tag`, `registry/repository@digest`, or both (`:tag@digest`) when both are known. */
export function imageString(ref: ImageRef): string {
    return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/**
 * Resolves a configured image against the internal registry. Paths (`argoproj/argocd:v3.4.4`) get the
 * registry prefixed; a full reference must already name that registry.
 */
export function resolveImage(value: string, registry: string): ImageRef {
    const slash = value.indexOf("/");
    const first = slash === -1 ? "" : value.slice(0, slash);
    const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
    const rest = hasRegistry ? value.slice(slash + 1) : value;
    const at = rest.indexOf("@");
    const namePart = at === -1 ? rest : rest.slice(0, at);
    const digest = at === -1 ? undefined : rest.slice(at + 1);
    const colon = namePart.lastIndexOf(":");
    const repository = colon === -1 ? namePart : namePart.slice(0, colon);
    const tag = colon === -1 ? undefined : namePart.slice(colon + 1);
    return { registry: hasRegistry ? first : registry, repository, tag, digest };
}

/** Problems with one configured image, as messages without the key. */
export function imageProblems(value: string, registry: string): string[] {
    const ref = resolveImage(value, registry);
    const problems: string[] = [];
    if (ref.registry !== registry) {
        problems.push(`must come from the internal registry ${registry}, not ${ref.registry} (write the path inside the registry, e.g. argoproj/argocd:v3.4.4)`);
    }
    if (!/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(ref.repository)) {
        problems.push(`'${ref.repository}' is not a valid repository path (lowercase letters, digits, '.', '_', '-' and '/')`);
    }
    if (ref.digest !== undefined) {
        if (!/^sha256:[a-f0-9]{64}$/.test(ref.digest)) {
            problems.push(`digest '${ref.digest}' must be sha256: followed by 64 hex digits`);
        }
    } else if (ref.tag === undefined || ref.tag === "") {
        problems.push(`'${value}' has no tag: pin a version tag (e.g. :v1.9.0) or a digest`);
    } else if (ref.tag === "latest") {
        problems.push(`'${value}' uses the floating tag 'latest': pin a version tag or a digest`);
    } else if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(ref.tag)) {
        problems.push(`tag '${ref.tag}' is not a valid image tag`);
    }
    return problems;
}

/** Host part of a host:port string. */
export function hostOf(address: string): string {
    return address.slice(0, address.lastIndexOf(":"));
}

/** Domain part of an e-mail address. */
export function domainOf(email: string): string {
    return email.slice(email.lastIndexOf("@") + 1);
}

/** Port part of a host:port string. */
export function portOf(address: string): number {
    return Number(address.slice(address.lastIndexOf(":") + 1));
}

/** Is this chart reference pulled from a registry (as opposed to a local path)? */
export function isOciChart(chart: string): boolean {
    return chart.startsWith("oci://");
}

/** Rules that involve more than one setting; run once every single setting is well-formed. */
function crossSettingIssues(cfg: PlatformSettings): z.core.$ZodIssue[] {
    const issues: z.core.$ZodIssue[] = [];
    const problem = (pathParts: (string | number)[], message: string) =>
        issues.push({ code: "custom", path: pathParts, message, input: undefined });
    const registry = cfg.registry.address;
    const port = portOf(registry);
    if (port < 1 || port > 65535) {
        problem(["registry", "address"], `port ${port} is outside 1-65535`);
    }

    const images: [string[], string][] = [
        [["gitea", "image"], cfg.gitea.image],
        [["actRunner", "image"], cfg.actRunner.image],
        [["actRunner", "jobImage"], cfg.actRunner.jobImage],
        [["actRunner", "sandboxJobImage"], cfg.actRunner.sandboxJobImage],
        [["argoRollouts", "image"], cfg.argoRollouts.image],
        [["argoRollouts", "dashboardImage"], cfg.argoRollouts.dashboardImage],
        [["argocd", "image"], cfg.argocd.image],
        [["argocd", "redisImage"], cfg.argocd.redisImage],
        ...Object.entries(cfg.monitoring.images).map(([k, v]) => [["monitoring", "images", k], v] as [string[], string]),
    ];
    for (const [where, value] of images) {
        for (const message of imageProblems(value, registry)) {
            problem(where, message);
        }
    }
    // The argo-cd chart writes `repository:tag`: a digest can only follow a tag (repository:tag@sha256:...).
    for (const key of ["image", "redisImage"] as const) {
        const ref = resolveImage(cfg.argocd[key], registry);
        if (ref.digest !== undefined && ref.tag === undefined) {
            problem(["argocd", key], "must use a tag: the argo-cd chart renders repository:tag, so a digest needs one before it (repository:tag@sha256:...)");
        }
    }
    if (cfg.registry.enabled && cfg.registry.mode === "docker" && !fs.existsSync(cfg.registry.imageTarball)) {
        problem(["registry", "imageTarball"], `file ${path.resolve(cfg.registry.imageTarball)} does not exist: docker mode loads the registry image from it (docker save ${cfg.registry.image})`);
    }
    // The registry image cannot come from the registry it starts; it only needs a pinned tag.
    for (const message of imageProblems(`${registry}/${cfg.registry.image}`, registry)) {
        problem(["registry", "image"], message.replace(`${registry}/`, ""));
    }

    const charts: [string, { chart: string; chartVersion: string; enabled: boolean }][] = [
        ["gitea", cfg.gitea], ["monitoring", cfg.monitoring], ["argoRollouts", cfg.argoRollouts], ["argocd", cfg.argocd],
    ];
    for (const [name, c] of charts) {
        if (isOciChart(c.chart)) {
            const host = c.chart.slice("oci://".length).split("/")[0];
            if (host !== registry) {
                problem([name, "chart"], `OCI chart must be on the internal registry ${registry}, not ${host}`);
            }
        } else if (c.enabled) {
            const local = localChartVersion(c.chart);
            if (local.problem !== undefined) {
                problem([name, "chart"], local.problem);
            } else if (local.version !== undefined && local.version !== c.chartVersion.replace(/^v/, "")) {
                problem([name, "chartVersion"], `is ${c.chartVersion} but the chart at ${c.chart} is version ${local.version}`);
            }
        }
    }

    const nodeNames = new Set<string>();
    cfg.registry.nodes.forEach((node, i) => {
        if (nodeNames.has(node.name)) {
            problem(["registry", "nodes", i, "name"], `duplicate node name '${node.name}'`);
        }
        nodeNames.add(node.name);
    });

    // Namespaces of the platform itself (the configured ones and the cluster's own): never an Application's.
    const platformNamespaces = new Set([...PLATFORM_NAMESPACES, cfg.gitea.namespace, cfg.monitoring.namespace, cfg.argoRollouts.namespace, cfg.argocd.namespace]);
    const appNames = new Set<string>();
    cfg.argocd.applications.forEach((app, i) => {
        if (appNames.has(app.name)) {
            problem(["argocd", "applications", i, "name"], `duplicate Application name '${app.name}': names must be unique in the Argo CD namespace`);
        }
        appNames.add(app.name);
        if (platformNamespaces.has(app.namespace)) {
            problem(["argocd", "applications", i, "namespace"], `'${app.namespace}' is a platform namespace: an Application synced from Git must not manage it (refused: ${[...platformNamespaces].join(", ")})`);
        }
    });
    if (cfg.actRunner.sandboxLabel === cfg.actRunner.jobLabel) {
        problem(["actRunner", "sandboxLabel"], `must differ from actRunner.jobLabel '${cfg.actRunner.jobLabel}': jobs on the sandbox label must never get node-1's Docker socket`);
    }
    if (cfg.actRunner.sandboxRunnerName === cfg.actRunner.runnerName) {
        problem(["actRunner", "sandboxRunnerName"], `must differ from actRunner.runnerName '${cfg.actRunner.runnerName}': the two runners register separately`);
    }

    if (cfg.monitoring.enabled && cfg.monitoring.prometheusUrl !== undefined) {
        problem(["monitoring", "prometheusUrl"], "is only for a cluster whose monitoring is not managed here (monitoring.enabled: false); the component derives its own URL");
    }
    if (!cfg.monitoring.enabled && cfg.monitoring.prometheusUrl === undefined && (cfg.argoRollouts.enabled || cfg.argocd.enabled)) {
        problem(["monitoring", "prometheusUrl"], "is required when monitoring is disabled: give the existing in-cluster Prometheus URL that analysis queries");
    }
    if (cfg.actRunner.enabled && !cfg.gitea.enabled) {
        problem(["actRunner", "enabled"], "the runner registers with the Gitea that this stack installs: enable gitea or disable actRunner");
    }
    if (cfg.supply.enabled && cfg.actRunner.enabled && cfg.registry.enabled && !nodeNames.has(cfg.actRunner.nodeName)) {
        problem(["actRunner", "nodeName"], `node '${cfg.actRunner.nodeName}' is not in registry.nodes: the seed unpacks Trivy's database on the runner's node over SSH (known nodes: ${[...nodeNames].join(", ")})`);
    }
    if (cfg.giteaContent.enabled && !cfg.gitea.enabled) {
        problem(["giteaContent", "enabled"], "manages the content of the Gitea that this stack installs: enable gitea or disable giteaContent");
    }
    if (cfg.actRunner.enabled && cfg.gitea.enabled && !cfg.giteaContent.enabled) {
        problem(["actRunner", "enabled"], "the runner registers for the GitOps repository's organisation with a token that giteaContent obtains: enable giteaContent or disable actRunner");
    }
    if (cfg.giteaContent.enabled) {
        // Gitea names users and organisations case-insensitively, in one namespace.
        const taken = new Map([[cfg.gitea.adminUsername.toLowerCase(), "gitea.adminUsername"], [cfg.argocd.gitRepo.split("/")[0].toLowerCase(), "the owner in argocd.gitRepo"]]);
        for (const key of ["argocdUser", "ciUser"] as const) {
            const name = cfg.giteaContent[key];
            const clash = taken.get(name.toLowerCase());
            if (clash) {
                problem(["giteaContent", key], `'${name}' is already ${clash}: users and organisations share one namespace in Gitea, so each needs its own name`);
            }
            taken.set(name.toLowerCase(), `giteaContent.${key}`);
        }
    }
    if (cfg.argocd.enabled && !cfg.gitea.enabled && cfg.argocd.repoUrl === undefined) {
        problem(["argocd", "repoUrl"], "is required when gitea is disabled: the Git URL that Argo CD syncs from");
    }
    return issues;
}

/**
 * The version in a local chart folder's Chart.yaml (none for tarballs and missing folders), or why that
 * Chart.yaml cannot be read: a folder, malformed YAML, or aliases that expand like a YAML bomb (the
 * `yaml` reader refuses more than 100).
 */
function localChartVersion(chart: string): { version?: string; problem?: string } {
    const chartYaml = path.join(chart, "Chart.yaml");
    if (!fs.existsSync(chartYaml)) {
        return {};
    }
    if (!fs.statSync(chartYaml).isFile()) {
        return { problem: `the chart at ${chart} is not a chart: its Chart.yaml is not a file` };
    }
    try {
        const parsed = parseYaml(fs.readFileSync(chartYaml, "utf8")) as { version?: unknown } | null;
        return { version: parsed?.version === undefined ? undefined : String(parsed.version) };
    } catch (e) {
        return { problem: `the chart at ${chart} has an unreadable Chart.yaml: ${(e as Error).message.split("\n")[0]}` };
    }
}

/** Turns raw `namespace:key` strings into the object the schema parses; JSON for structured values. */
export function rawSettings(all: Record<string, string>): { settings: Record<string, unknown>; problems: string[] } {
    const settings: Record<string, unknown> = {};
    const problems: string[] = [];
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [fullKey, value] of Object.entries(all)) {
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const key = fullKey.slice(prefix.length);
        if ((SECRET_KEYS as readonly string[]).includes(key)) {
            continue;
        }
        const trimmed = value.trim();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                settings[key] = JSON.parse(trimmed);
            } catch {
                problems.push(`${fullKey}: is not valid structured config (JSON or YAML object expected)`);
            }
        } else {
            settings[key] = value;
        }
    }
    return { settings, problems };
}

/** One readable line per schema problem, each naming the full config key. */
export function describeIssues(issues: z.core.$ZodIssue[]): string[] {
    const known = Object.keys(platformSchema.shape);
    return issues.flatMap((issue) => {
        const key = [`${CONFIG_NAMESPACE}:${String(issue.path[0] ?? "")}`, ...issue.path.slice(1).map(String)].join(".")
            .replace(/\.(\d+)(?=\.|$)/g, "[$1]");
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((unknown) => issue.path.length === 0
                ? `${CONFIG_NAMESPACE}:${unknown}: unknown component or setting; known: ${[...known, ...SECRET_KEYS].join(", ")}`
                : `${key}.${unknown}: unknown setting`);
        }
        return [`${key}: ${issue.message}`];
    });
}

/**
 * Validates raw settings. Returns the settings or every problem, so callers (and tests) can check config
 * without a Pulumi runtime. `hasSshKey` says whether the secret sshPrivateKey is set.
 */
export function validateSettings(raw: Record<string, unknown>, hasSshKey: boolean): { settings?: PlatformSettings; problems: string[] } {
    const parsed = platformSchema.safeParse(raw);
    const problems = describeIssues(parsed.success ? crossSettingIssues(parsed.data) : parsed.error.issues);
    const registryEnabled = parsed.success ? parsed.data.registry.enabled
        : (raw.registry as { enabled?: unknown } | undefined)?.enabled !== false;
    if (registryEnabled && !hasSshKey) {
        problems.push(`${CONFIG_NAMESPACE}:sshPrivateKey: is required while registry.enabled is true: set it with 'pulumi config set --secret sshPrivateKey < key' (the registry is installed over SSH)`);
    }
    return problems.length === 0 ? { settings: parsed.data, problems } : { problems };
}

/** Reads and validates the stack's configuration; throws ConfigError listing every problem. */
export function loadPlatformConfig(): PlatformConfig {
    const all = pulumi.runtime.allConfig();
    const { settings: raw, problems: rawProblems } = rawSettings(all);
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    // Pulumi.yaml declares both secrets with an empty default: empty means unset.
    const hasSshKey = Boolean(all[`${CONFIG_NAMESPACE}:sshPrivateKey`]);
    const { settings, problems } = validateSettings(raw, hasSshKey);
    if (rawProblems.length > 0 || settings === undefined) {
        throw new ConfigError([...rawProblems, ...problems]);
    }
    return {
        ...settings,
        sshPrivateKey: hasSshKey ? config.requireSecret("sshPrivateKey") : undefined,
        kubeconfig: all[`${CONFIG_NAMESPACE}:kubeconfig`] ? config.requireSecret("kubeconfig") : undefined,
    };
}
