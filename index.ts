// Copyright 2026, airgap-platform authors.
//
// The platform, in dependency order: node-1's registry, seeded from the supply bundle; Gitea and monitoring;
// Gitea's content (GitOps repository, machine users, tokens); the act_runner; Argo Rollouts; Argo CD and its
// Applications. Each step waits for what it uses through outputs and dependsOn.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ActRunner, ArgoCD, ArgoRollouts, Gitea, GiteaContent, LUMEN_GITOPS_CONTENT, Monitoring, NodeRegistry, RegistrySeed } from "./components";
import { loadPlatform } from "./config";
import { kubernetesPluginVersion } from "./providers/kubernetes-plugin";

// Validated, pinned to the supply's lock, each component's settings resolved; a component that is off is absent.
const platform = loadPlatform();

const cluster = new k8s.Provider("cluster", platform.cluster, { version: kubernetesPluginVersion() });
const onCluster = { providers: [cluster] };

// 1. The registry every image and chart comes from, and every node trusting it.
const nodeRegistry = platform.registry && new NodeRegistry("registry", { settings: platform.registry });
const registryAnswers = nodeRegistry ? nodeRegistry.address : pulumi.output(platform.registryAddress);

// 1b. The supply: the bundle's charts, images and Trivy database in the registry, by digest, before any chart.
const registry = platform.supply
    ? new RegistrySeed("supply", { settings: platform.supply, registry: registryAnswers, nodes: nodeRegistry?.nodeConnections }).address
    : registryAnswers;

// 2. Gitea and monitoring, side by side.
const gitea = platform.gitea && new Gitea("gitea", { settings: platform.gitea, registry }, onCluster);

const prometheusUrl = platform.monitoring
    ? new Monitoring("monitoring", { settings: platform.monitoring, registry }, onCluster).prometheusUrl
    : pulumi.output(platform.existingPrometheusUrl);

// 3. Gitea's content once its API answers: the GitOps repository and its first commit, machine users, tokens.
const content = gitea && platform.giteaContent
    ? new GiteaContent("gitea-content", { settings: platform.giteaContent, gitea, initialContent: LUMEN_GITOPS_CONTENT }, { dependsOn: gitea })
    : undefined;

// 4. The runners (builder and sandbox), registered for the GitOps repository's organisation only.
const runner = gitea && content && platform.actRunner
    ? new ActRunner("act-runner", { settings: platform.actRunner, registry, gitea, registrationToken: content.runnerRegistrationToken }, { ...onCluster, dependsOn: gitea })
    : undefined;

// 5. Argo Rollouts, after monitoring (its controller queries Prometheus).
const rollouts = platform.argoRollouts && new ArgoRollouts("argo-rollouts", { settings: platform.argoRollouts, registry, prometheusUrl }, onCluster);

// 6. Argo CD; its Applications wait for the Rollouts CRDs and the GitOps repository (and clone with content's token).
const argocd = platform.argocd && new ArgoCD("argocd", {
    settings: platform.argocd,
    registry,
    gitea,
    repositoryAccess: content,
    applicationsDependOn: [...(rollouts ? rollouts.crds : []), ...(content ? [content] : [])],
}, onCluster);

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
