// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { imageString, resolveImage } from "../config";

/** Arguments of {@link ActRunner}. */
export interface ActRunnerArgs {
    /** Namespace of Gitea; the runner lives beside it and reads its token Secret. */
    readonly namespace: pulumi.Input<string>;
    /** act_runner image path inside the internal registry, e.g. gitea/act_runner:0.2.11. */
    readonly image: string;
    readonly registry: pulumi.Input<string>;
    /** Gitea's NodePort URL: jobs see it as GITHUB_SERVER_URL, so it must be reachable from node-1's Docker. */
    readonly instanceUrl: pulumi.Input<string>;
    /** Secret (key `token`) with the registration token that Gitea was started with. */
    readonly tokenSecretName: pulumi.Input<string>;
    /** Node whose Docker engine runs the jobs. */
    readonly nodeName: string;
    readonly runnerName: string;
    /** `runs-on` label of the jobs, mapped to jobImage. */
    readonly jobLabel: string;
    /** Job container image path inside the internal registry. */
    readonly jobImage: string;
    /** Offline Trivy database on the node, mounted read-only. */
    readonly trivyCachePath: string;
    /** Size of the volume that keeps the runner's registration across restarts. */
    readonly stateSize: string;
    readonly storageClass?: string;
}

const STATE_DIR = "/data";
const CONFIG_DIR = "/etc/act_runner";

/**
 * An act_runner Deployment pinned to node-1, building with the node's Docker engine. Its state volume keeps
 * the `.runner` registration file, so a restarted pod reuses its registration instead of adding a runner.
 */
export class ActRunner extends pulumi.ComponentResource {
    public readonly deploymentName: pulumi.Output<string>;
    /** The label the runner offers, `<label>:docker://<image>`. */
    public readonly labels: pulumi.Output<string>;

    constructor(name: string, args: ActRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:ActRunner", name, {}, opts);

        const appLabels = { app: "act-runner", "app.kubernetes.io/instance": name };
        const labels = pulumi.output(args.registry).apply((registry) =>
            `${args.jobLabel}:docker://${imageString(resolveImage(args.jobImage, registry))}`);

        const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { namespace: args.namespace },
            data: { "config.yaml": labels.apply((l) => runnerConfig(l, args.trivyCachePath)) },
        }, { parent: this });

        const state = new k8s.core.v1.PersistentVolumeClaim(`${name}-state`, {
            metadata: { namespace: args.namespace },
            spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: args.stateSize } },
                ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
            },
        }, { parent: this });

        const deployment = new k8s.apps.v1.Deployment(`${name}`, {
            metadata: { namespace: args.namespace, labels: appLabels },
            spec: {
                replicas: 1,
                // Two pods must never share one registration file.
                strategy: { type: "Recreate" },
                selector: { matchLabels: appLabels },
                template: {
                    metadata: { labels: appLabels },
                    spec: {
                        nodeSelector: { "kubernetes.io/hostname": args.nodeName },
                        containers: [{
                            name: "runner",
                            image: pulumi.output(args.registry).apply((registry) => imageString(resolveImage(args.image, registry))),
                            imagePullPolicy: "IfNotPresent",
                            workingDir: STATE_DIR,
                            env: [
                                { name: "CONFIG_FILE", value: `${CONFIG_DIR}/config.yaml` },
                                { name: "GITEA_INSTANCE_URL", value: args.instanceUrl },
                                { name: "GITEA_RUNNER_NAME", value: args.runnerName },
                                { name: "GITEA_RUNNER_LABELS", value: labels },
                                { name: "GITEA_RUNNER_REGISTRATION_TOKEN", valueFrom: { secretKeyRef: { name: args.tokenSecretName, key: "token" } } },
                            ],
                            volumeMounts: [
                                { name: "state", mountPath: STATE_DIR },
                                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                                { name: "docker-sock", mountPath: "/var/run/docker.sock" },
                                { name: "trivy-cache", mountPath: args.trivyCachePath, readOnly: true },
                            ],
                        }],
                        volumes: [
                            { name: "state", persistentVolumeClaim: { claimName: state.metadata.name } },
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "docker-sock", hostPath: { path: "/var/run/docker.sock", type: "Socket" } },
                            { name: "trivy-cache", hostPath: { path: args.trivyCachePath, type: "Directory" } },
                        ],
                    },
                },
            },
        }, { parent: this });

        this.deploymentName = deployment.metadata.name;
        this.labels = labels;
        this.registerOutputs({ deploymentName: this.deploymentName, labels: this.labels });
    }
}

/** act_runner's config.yaml: registration kept on the volume, Trivy's cache allowed in job containers. */
export function runnerConfig(labels: string, trivyCachePath: string): string {
    return stringify({
        log: { level: "info" },
        runner: { file: `${STATE_DIR}/.runner`, capacity: 1, labels: [labels] },
        container: {
            // Jobs may mount only the read-only Trivy cache from the node.
            valid_volumes: [trivyCachePath],
            // Airgap: use the builder image already on node-1, pull from the internal registry only when missing.
            force_pull: false,
        },
    });
}
