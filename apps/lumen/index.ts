// Copyright 2026, airgap-platform authors.
//
// The lumen app stack: the lumen-api Rollout and everything around it, rendered to YAML by the
// Kubernetes provider (renderYamlToDirectory) and never applied: Argo CD applies the committed files.
// `npm run release -- v1.5.4` sets the tag, renders and publishes into the folder Argo CD watches;
// `pulumi preview --policy-pack ../../policy` checks the same resources against the pack.

import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import { ProgressiveApp } from "../../components/progressive-app";
import { imageString, resolveImage } from "../../lib/image";
import { kubernetesPluginVersion } from "../../providers/kubernetes-plugin";
import { loadAppConfig } from "./config";

const cfg = loadAppConfig();

// A provider that writes each object to <renderDir>/1-manifest/ (CRDs to 0-crd/) instead of calling a cluster;
// it names the plugin that scripts/setup-toolchain.sh installs, as every provider of the repository does.
const render = new k8s.Provider("render", { renderYamlToDirectory: path.resolve(__dirname, cfg.renderDir) }, { version: kubernetesPluginVersion() });

const app = new ProgressiveApp(cfg.app.name, cfg.app, { providers: [render] });

export const image = imageString(resolveImage(cfg.app.image, cfg.app.registry));
export const rollout = app.rolloutName;
export const services = app.serviceNames;
export const analysisTemplate = app.analysisTemplateName;
export const analysisPrometheusUrl = app.prometheusUrl;
export const renderDir = cfg.renderDir;
export const outputDir = cfg.outputDir;
