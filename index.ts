// Copyright 2026, airgap-platform authors.
//
// The platform, in dependency order: node-1's registry; Gitea and monitoring; the act_runner; Argo Rollouts;
// Argo CD and its Applications. Each step waits for what it uses through outputs and dependsOn.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ActRunner, ArgoCD, ArgoRollouts, Gitea, Monitoring, NodeRegistry } from "./components";
import { hostOf, loadPlatformConfig } from "./config";
import { kubernetesPluginVersion } from "./providers/kubernetes-plugin";

const cfg = loadPlatformConfig();

const cluster = new k8s.Provider("cluster", { kubeconfig: cfg.kubeconfig, context: cfg.kubeContext }, { version: kubernetesPluginVersion() });
const onCluster = { providers: [cluster] };

// 1. The registry every image and chart comes from, and every node trusting it.
const registry = cfg.registry.enabled
    ? new NodeRegistry("registry", {
        ...cfg.registry,
        ssh: {
            host: cfg.registry.sshHost ?? hostOf(cfg.registry.address),
            port: cfg.registry.sshPort,
            user: cfg.registry.sshUser,
            privateKey: cfg.sshPrivateKey!,
            knownHosts: cfg.registry.sshKnownHosts,
        },
    }).address
    : pulumi.output(cfg.registry.address);

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

// 3. The runner, once Gitea serves its registration token.
const runner = gitea && cfg.actRunner.enabled
    ? new ActRunner("act-runner", {
        ...cfg.actRunner,
        namespace: gitea.namespace,
        registry,
        instanceUrl: gitea.nodePortUrl,
        tokenSecretName: gitea.runnerTokenSecretName,
        storageClass: cfg.gitea.storageClass,
    }, { ...onCluster, dependsOn: gitea })
    : undefined;

// 4. Argo Rollouts, after monitoring (its controller queries Prometheus).
const rollouts = cfg.argoRollouts.enabled
    ? new ArgoRollouts("argo-rollouts", { ...cfg.argoRollouts, chart: cfg.argoRollouts, registry, prometheusUrl }, onCluster)
    : undefined;

// 5. Argo CD; its Applications wait for the Rollouts CRDs.
const argocd = cfg.argocd.enabled
    ? new ArgoCD("argocd", {
        ...cfg.argocd,
        chart: cfg.argocd,
        registry,
        repoUrl: cfg.argocd.repoUrl ?? pulumi.interpolate`${gitea!.inClusterUrl}/${cfg.argocd.gitRepo}.git`,
        repoUsername: gitea?.adminUsername ?? "",
        repoPassword: gitea?.adminPassword ?? "",
        applicationsDependOn: rollouts?.crds ?? [],
    }, onCluster)
    : undefined;

export const registryAddress = registry;
/** The Prometheus address every AnalysisTemplate must use. */
export const analysisPrometheusUrl = prometheusUrl;
export const giteaUrl = gitea?.nodePortUrl;
export const giteaInClusterUrl = gitea?.inClusterUrl;
export const giteaAdminSecret = gitea && pulumi.interpolate`${gitea.namespace}/${gitea.adminSecretName}`;
export const actRunnerLabels = runner?.labels;
export const argoRolloutsNamespace = rollouts?.namespace;
export const argocdAdminSecret = argocd && pulumi.interpolate`${argocd.namespace}/${argocd.adminSecretName}`;
export const argocdApplications = argocd?.applicationNames;
