// Copyright 2026, airgap-platform authors.
//
// The platform's configuration: the component schemas (components/<name>/schema.ts) composed into one, with
// the seed site's defaults and the checks that span components; read once, validated before any resource
// exists, pinned to the supply's lock, and handed to index.ts as each component's settings. Pulumi.yaml and
// README.md's configuration table are generated from these schemas (npm run generate).

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ActRunnerSettings, actRunnerSchema } from "./components/act-runner/schema";
import { ArgoCDSettings, argocdSchema, applicationSchema } from "./components/argocd/schema";
import { ArgoRolloutsSettings, argoRolloutsSchema } from "./components/argo-rollouts/schema";
import { GiteaContentSettings, giteaContentSchema } from "./components/gitea-content/schema";
import { GiteaSettings, giteaSchema } from "./components/gitea/schema";
import { MonitoringSettings, monitoringSchema } from "./components/monitoring/schema";
import { clusterNodeSchema, NodeRegistrySettings, nodeRegistrySchema } from "./components/node-registry/schema";
import { rooted } from "./components/node-registry/values";
import { registrySeedSchema } from "./components/registry-seed/schema";
import { emailDomain, hostOf, portOf } from "./lib/address";
import { isOciChart, ociChartRegistry } from "./lib/chart";
import { chartRef, hostName, hostPort, sshHost } from "./lib/fields";
import { imageProblems, resolveImage } from "./lib/image";
import { ConfigError, settingProblems } from "./lib/issues";
import { IN_CLUSTER_URL } from "./lib/kubernetes";
import { rawSettings } from "./lib/raw-config";
import { pinToLock, stackLock } from "./supply/pins";
import { LockFile } from "./supply/lock";

/** The project's config namespace (`<namespace>:<key>` in stack files). */
export const CONFIG_NAMESPACE = "airgap-platform";

/** Settings read as Pulumi secrets, beside the schema: `pulumi config set --secret <key>`. */
export const secretSettingsSchema = z.strictObject({
    /**
     * SSH key for node-1 and every node in `registry.nodes`; required while `registry.enabled`.
     * `pulumi config set --secret sshPrivateKey < key`
     */
    sshPrivateKey: z.string().optional(),
    /** Kubeconfig contents (or a path) of the target cluster; empty means `$KUBECONFIG` (or ~/.kube/config). */
    kubeconfig: z.string().optional(),
});

const SECRET_KEYS = Object.keys(secretSettingsSchema.shape);

/** The seed site (node-1 at 192.168.2.2, its registry on port 5000 over plain HTTP): the only site-specific defaults. */
const SITE_REGISTRY = "192.168.2.2:5000";
const SITE_NODES = [{ name: "node-1", host: "192.168.2.2", runtimes: ["k3s" as const, "docker" as const] }];
const siteChart = (name: string) => `oci://${SITE_REGISTRY}/charts/${name}`;

/** The first Application: the lumen app's manifests as `npm run release` renders them. */
const LUMEN_APP = {
    name: "lumen-app",
    path: "03-airgap-zone/manifests/app",
    namespace: "lumen",
    syncWave: 3,
};

/** Namespaces that no Application may target: the platform's defaults and the cluster's own. */
export const PLATFORM_NAMESPACES = ["argocd", "gitea", "monitoring", "argo-rollouts", "kube-system", "kube-public", "kube-node-lease", "default"];

/** A component's section: its settings plus `enabled`; an absent section gets every default (prefault, not default). */
const section = <T extends z.ZodRawShape>(shape: T) => z.strictObject({
    /** `false` leaves the component out. */
    enabled: z.boolean().default(true),
    ...shape,
}).prefault({} as never);

export const platformSchema = z.strictObject({
    /** Kubeconfig context to use; empty means the kubeconfig's current context. */
    kubeContext: z.string().optional().transform((c) => c || undefined),
    /**
     * node-1's registry, installed over SSH, and the nodes whose runtimes pull from it over plain HTTP; `enabled: false`
     * for a cluster whose nodes already pull from a registry.
     */
    registry: section({
        ...nodeRegistrySchema.shape,
        /** host:port of node-1's registry, as every node and chart refers to it. */
        address: hostPort.default(SITE_REGISTRY),
        /** SSH address of node-1: a host name (letters, digits, '.', '_', '-', not starting with '-') or an IP address; unset, the host of `registry.address`. */
        sshHost: sshHost.optional(),
        /** Nodes to configure, each `{name, host, runtimes: [k3s, k3s-agent, containerd, docker], sshPort?, sshUser?}`; `name` is the Kubernetes node name. */
        nodes: z.array(clusterNodeSchema).default(SITE_NODES),
    }),
    /** Gitea with Actions (NodePort, SQLite on a persistent volume, a generated admin). */
    gitea: section({
        ...giteaSchema.shape,
        /** Local chart path, or an OCI reference on the internal registry. */
        chart: chartRef.default(siteChart("gitea")),
        /** Host of the NodePort URL (node-1); unset, the host of `registry.address`. */
        publicHost: z.string().min(1).optional(),
    }),
    /**
     * What the stack keeps in Gitea through its API: the GitOps repository (`argocd.gitRepo`) in its own organisation,
     * machine users and tokens for Argo CD and the pipeline, main's protection, the first commit. Needs `gitea.enabled`.
     */
    giteaContent: section(giteaContentSchema.shape),
    /** The act_runners on node-1 (builder and sandbox). Needs `gitea.enabled` and `giteaContent.enabled` (they register with the organisation's token). */
    actRunner: section(actRunnerSchema.shape),
    /** kube-prometheus-stack; Prometheus is what every analysis queries. */
    monitoring: section({
        ...monitoringSchema.shape,
        /** Local chart path, or an OCI reference on the internal registry. */
        chart: chartRef.default(siteChart("kube-prometheus-stack")),
        /** Only when monitoring is disabled (and then required): the cluster's own in-cluster Prometheus URL. */
        prometheusUrl: z.string().regex(IN_CLUSTER_URL, "must be an in-cluster service URL such as http://<service>.<namespace>.svc.cluster.local:9090").optional(),
    }),
    /** Argo Rollouts (controller and CRDs) with its egress NetworkPolicy. */
    argoRollouts: section({
        ...argoRolloutsSchema.shape,
        /** Local chart path, or an OCI reference on the internal registry. */
        chart: chartRef.default(siteChart("argo-rollouts")),
    }),
    /** Argo CD, its AppProject, the repository credentials and the Applications. */
    argocd: section({
        ...argocdSchema.shape,
        /** Local chart path, or an OCI reference on the internal registry. */
        chart: chartRef.default(siteChart("argo-cd")),
        /** `global.domain` of the chart: Argo CD's URL in `argocd-cm` and notification links; unset, the host of `registry.address`. */
        domain: hostName.optional(),
        /**
         * The Applications, each `{name, path, namespace, targetRevision: main, syncWave: 0, prune: true, selfHeal: true,
         * createNamespace: true, skipDryRunOnMissingResource: true, podSecurity: restricted}`; `namespace` must not be a
         * platform namespace. The default is lumen-app: path `03-airgap-zone/manifests/app`, namespace `lumen`, wave 3.
         */
        applications: z.array(applicationSchema).prefault([LUMEN_APP]),
    }),
    /**
     * The airgap supply: every image and chart pinned to the lock's digests and seeded into the registry from the
     * bundle; `enabled: false` for a registry filled by other means (images then by tag, no seed).
     */
    supply: section(registrySeedSchema.shape),
});

export type PlatformSettings = z.output<typeof platformSchema>;

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
            const host = ociChartRegistry(c.chart);
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

/** The stack's raw `airgap-platform:key` strings as the schema parses them (secrets are read apart). */
export function platformRawSettings(all: Record<string, string>): { settings: Record<string, unknown>; problems: string[] } {
    return rawSettings(all, CONFIG_NAMESPACE, platformSchema, SECRET_KEYS);
}

/** One readable line per schema problem, each naming the full config key. */
export function describeIssues(issues: z.core.$ZodIssue[]): string[] {
    const known = [...Object.keys(platformSchema.shape), ...SECRET_KEYS].join(", ");
    return settingProblems(issues, (parent) => parent === "" ? `unknown component or setting; known: ${known}` : "unknown setting")
        .map((p) => `${CONFIG_NAMESPACE}:${p.key}: ${p.message}`);
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

/** The platform as index.ts builds it: each component's settings, fully resolved; absent when it is off. */
export interface Platform {
    /** How to reach the cluster. */
    readonly cluster: { readonly kubeconfig?: pulumi.Output<string>; readonly context?: string };
    /** host:port of the internal registry, whether this stack installs it or not. */
    readonly registryAddress: string;
    readonly registry?: NodeRegistrySettings & { readonly sshHost: string; readonly sshPrivateKey: pulumi.Output<string> };
    /** The lock and bundle; `trivyNode` is where the seed unpacks Trivy's database (the runner's node, when both are here). */
    readonly supply?: { readonly lock: LockFile; readonly bundle: string; readonly jobs: number; readonly trivyNode?: string; readonly trivyCachePath: string };
    readonly gitea?: GiteaSettings & { readonly publicHost: string };
    readonly giteaContent?: GiteaContentSettings & { readonly repository: string; readonly emailDomain: string };
    readonly actRunner?: ActRunnerSettings & { readonly storageClass?: string };
    readonly monitoring?: MonitoringSettings;
    /** The Prometheus analysis queries when monitoring is not installed here. */
    readonly existingPrometheusUrl: string;
    readonly argoRollouts?: ArgoRolloutsSettings;
    readonly argocd?: ArgoCDSettings & { readonly domain: string };
}

/** Reads and validates the stack's configuration, pins it to the supply's lock; throws ConfigError listing every problem. */
export function loadPlatform(): Platform {
    const all = pulumi.runtime.allConfig();
    const { settings: raw, problems: rawProblems } = platformRawSettings(all);
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    // Pulumi.yaml declares both secrets with an empty default: empty means unset.
    const isSet = (key: string) => Boolean(all[`${CONFIG_NAMESPACE}:${key}`]);
    const { settings, problems } = validateSettings(raw, isSet("sshPrivateKey"));
    if (rawProblems.length > 0 || settings === undefined) {
        throw new ConfigError([...rawProblems, ...problems]);
    }
    // The supply's lock: every image and chart is then named by the digest it records (and the seed pushes).
    const lock = settings.supply.enabled ? stackLock(settings) : undefined;
    return platformOf(lock ? pinToLock(settings, lock) : settings, lock, {
        sshPrivateKey: isSet("sshPrivateKey") ? config.requireSecret("sshPrivateKey") : undefined,
        kubeconfig: isSet("kubeconfig") ? config.requireSecret("kubeconfig") : undefined,
    });
}

/** Each component's settings from validated (and pinned) settings: site defaults that depend on other settings filled in. */
export function platformOf(s: PlatformSettings, lock: LockFile | undefined, secrets: { sshPrivateKey?: pulumi.Output<string>; kubeconfig?: pulumi.Output<string> }): Platform {
    const node1 = hostOf(s.registry.address);
    const on = <T extends { enabled: boolean }, R>(section: T, resolve: (enabled: Omit<T, "enabled">) => R): R | undefined => {
        const { enabled, ...rest } = section;
        return enabled ? resolve(rest) : undefined;
    };
    const { prometheusUrl, ...monitoring } = s.monitoring;
    return {
        cluster: { kubeconfig: secrets.kubeconfig, context: s.kubeContext },
        registryAddress: s.registry.address,
        // validateSettings requires the key while the registry is enabled.
        registry: secrets.sshPrivateKey === undefined ? undefined
            : on(s.registry, (r) => ({ ...r, sshHost: r.sshHost ?? node1, sshPrivateKey: secrets.sshPrivateKey as pulumi.Output<string> })),
        supply: lock === undefined ? undefined : on(s.supply, (supply) => ({
            ...supply,
            lock,
            trivyNode: s.registry.enabled && s.actRunner.enabled ? s.actRunner.nodeName : undefined,
            trivyCachePath: rooted(s.registry.nodeConfigRoot, s.actRunner.trivyCachePath),
        })),
        gitea: on(s.gitea, (gitea) => ({ ...gitea, publicHost: gitea.publicHost ?? node1 })),
        giteaContent: s.gitea.enabled ? on(s.giteaContent, (content) => ({
            ...content, repository: s.argocd.gitRepo, emailDomain: emailDomain(s.gitea.adminEmail),
        })) : undefined,
        actRunner: s.gitea.enabled && s.giteaContent.enabled ? on(s.actRunner, (runner) => ({ ...runner, storageClass: s.gitea.storageClass })) : undefined,
        monitoring: on(monitoring, (m) => m),
        // validateSettings requires it whenever monitoring is off and Argo Rollouts or Argo CD query it.
        existingPrometheusUrl: prometheusUrl as string,
        argoRollouts: on(s.argoRollouts, (r) => r),
        argocd: on(s.argocd, (argocd) => ({ ...argocd, domain: argocd.domain ?? node1 })),
    };
}
