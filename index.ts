// Copyright 2026, airgap-platform authors.
//
// The platform, in dependency order: node-1's registry, seeded from the supply bundle; Gitea and monitoring;
// Gitea's content (GitOps repository, machine users, tokens); the act_runner; Argo Rollouts; Argo CD and its
// Applications. Each step waits for what it uses through outputs and dependsOn.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ActRunner, ArgoCD, ArgoRollouts, Gitea, GiteaContent, LUMEN_GITOPS_CONTENT, Monitoring, NodeRegistry, RegistrySeed, rooted } from "./components";
import { domainOf, hostOf, loadPlatformConfig } from "./config";
import { kubernetesPluginVersion } from "./providers/kubernetes-plugin";
import { pinToLock, stackLock } from "./supply/pins";

const settings = loadPlatformConfig();
// The supply's lock: every image and chart below is named by the digest it records (and the seed pushes).
const lock = settings.supply.enabled ? stackLock(settings) : undefined;
const cfg = lock ? pinToLock(settings, lock) : settings;

const cluster = new k8s.Provider("cluster", { kubeconfig: cfg.kubeconfig, context: cfg.kubeContext }, { version: kubernetesPluginVersion() });
const onCluster = { providers: [cluster] };

// 1. The registry every image and chart comes from, and every node trusting it.
const nodeRegistry = cfg.registry.enabled
    ? new NodeRegistry("registry", {
        ...cfg.registry,
        ssh: {
            host: cfg.registry.sshHost ?? hostOf(cfg.registry.address),
            port: cfg.registry.sshPort,
            user: cfg.registry.sshUser,
            privateKey: cfg.sshPrivateKey!,
            knownHosts: cfg.registry.sshKnownHosts,
        },
    })
    : undefined;

// 1b. The supply: the bundle's charts, images and Trivy database in the registry, by digest, before any chart.
const registry = lock
    ? new RegistrySeed("supply", {
        registry: nodeRegistry?.address ?? cfg.registry.address,
        lock,
        bundle: cfg.supply.bundle,
        jobs: cfg.supply.jobs,
        trivy: nodeRegistry && cfg.actRunner.enabled ? {
            connection: nodeRegistry.nodeConnections[cfg.actRunner.nodeName],
            cachePath: rooted(cfg.registry.nodeConfigRoot, cfg.actRunner.trivyCachePath),
        } : undefined,
    }).address
    : nodeRegistry?.address ?? pulumi.output(cfg.registry.address);

// 2. Gitea and monitoring, side by side.
const gitea = cfg.gitea.enabled
    ? new Gitea("gitea", {
        ...cfg.gitea,
        chart: cfg.gitea,
        registry,
        publicHost: cfg.gitea.publicHost ?? hostOf(cfg.registry.address),
    }, onCluster)
    : undefined;

const prometheusUrl = cfg.monitoring.enabled
    ? new Monitoring("monitoring", { ...cfg.monitoring, chart: cfg.monitoring, registry }, onCluster).prometheusUrl
    : pulumi.output(cfg.monitoring.prometheusUrl!);

// 3. Gitea's content once its API answers: the GitOps repository and its first commit, machine users, tokens.
const content = gitea && cfg.giteaContent.enabled
    ? new GiteaContent("gitea-content", {
        api: { url: cfg.giteaContent.apiUrl ?? gitea.nodePortUrl, username: gitea.adminUsername, password: gitea.adminPassword },
        repository: cfg.argocd.gitRepo,
        argocdUser: cfg.giteaContent.argocdUser,
        ciUser: cfg.giteaContent.ciUser,
        emailDomain: domainOf(cfg.gitea.adminEmail),
        argocdTokenRotation: cfg.giteaContent.argocdTokenRotation,
        ciTokenRotation: cfg.giteaContent.ciTokenRotation,
        requiredStatusChecks: cfg.giteaContent.requiredStatusChecks,
        requiredApprovals: cfg.giteaContent.requiredApprovals,
        initialContent: LUMEN_GITOPS_CONTENT,
    }, { dependsOn: gitea })
    : undefined;

// 4. The runners (builder and sandbox), registered for the GitOps repository's organisation only.
const runner = gitea && content && cfg.actRunner.enabled
    ? new ActRunner("act-runner", {
        ...cfg.actRunner,
        namespace: gitea.namespace,
        registry,
        instanceUrl: gitea.nodePortUrl,
        registrationToken: content.runnerRegistrationToken,
        storageClass: cfg.gitea.storageClass,
    }, { ...onCluster, dependsOn: gitea })
    : undefined;

// 5. Argo Rollouts, after monitoring (its controller queries Prometheus).
const rollouts = cfg.argoRollouts.enabled
    ? new ArgoRollouts("argo-rollouts", { ...cfg.argoRollouts, chart: cfg.argoRollouts, registry, prometheusUrl }, onCluster)
    : undefined;

// 6. Argo CD; its Applications wait for the Rollouts CRDs and the GitOps repository.
const argocd = cfg.argocd.enabled
    ? new ArgoCD("argocd", {
        ...cfg.argocd,
        chart: cfg.argocd,
        registry,
        domain: cfg.argocd.domain ?? hostOf(cfg.registry.address),
        repoUrl: cfg.argocd.repoUrl ?? pulumi.interpolate`${gitea!.inClusterUrl}/${cfg.argocd.gitRepo}.git`,
        // Argo CD's own read-only machine user; without giteaContent it clones anonymously.
        repoUsername: content?.argocdUsername ?? "",
        repoPassword: content?.argocdToken ?? "",
        applicationsDependOn: [...(rollouts?.crds ?? []), ...(content ? [content] : [])],
    }, onCluster)
    : undefined;

export const registryAddress = registry;
/** The Prometheus address every AnalysisTemplate must use. */
export const analysisPrometheusUrl = prometheusUrl;
export const giteaUrl = gitea?.nodePortUrl;
export const giteaInClusterUrl = gitea?.inClusterUrl;
export const giteaAdminSecret = gitea && pulumi.interpolate`${gitea.namespace}/${gitea.adminSecretName}`;
/** owner/name of the GitOps repository the stack keeps in Gitea. */
export const gitopsRepository = content?.repository;
export const actRunnerLabels = runner?.labels;
export const argoRolloutsNamespace = rollouts?.namespace;
export const argocdAdminSecret = argocd && pulumi.interpolate`${argocd.namespace}/${argocd.adminSecretName}`;
export const argocdApplications = argocd?.applicationNames;
