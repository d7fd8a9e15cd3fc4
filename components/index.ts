// Copyright 2026, airgap-platform authors.

export * from "./act-runner";
export * from "./argo-rollouts";
export * from "./argocd";
export * from "./gitea";
export * from "./gitea-content";
export * from "./monitoring";
export * from "./node-registry";
export * from "./progressive-app";
export * from "./registry-seed";
