// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { imageString, resolveImage } from "../config";

/** Arguments of {@link ActRunner}. */
export interface ActRunnerArgs {
    /** Namespace of Gitea; the runners live beside it. */
    readonly namespace: pulumi.Input<string>;
    /** act_runner image path inside the internal registry, e.g. gitea/act_runner:0.2.11. */
    readonly image: string;
    readonly registry: pulumi.Input<string>;
    /** Gitea's NodePort URL: jobs see it as GITHUB_SERVER_URL, so it must be reachable from node-1's Docker. */
    readonly instanceUrl: pulumi.Input<string>;
    /** Secret: the registration token of the organisation whose jobs the runners take (GiteaContent). */
    readonly registrationToken: pulumi.Input<string>;
    /** Node whose Docker engine runs the jobs. */
    readonly nodeName: string;
    /** The builder runner: its jobs get node-1's Docker socket (push and tag workflows only). */
    readonly runnerName: string;
    /** `runs-on` label of the builder jobs, mapped to jobImage. */
    readonly jobLabel: string;
    /** Job container image path inside the internal registry. */
    readonly jobImage: string;
    /** The sandbox runner: its jobs get no Docker socket (every job a pull request starts). */
    readonly sandboxRunnerName: string;
    readonly sandboxLabel: string;
    readonly sandboxJobImage: string;
    /** Offline Trivy database on the node, mounted read-only into the builder's jobs. */
    readonly trivyCachePath: string;
    /** Size of the volume that keeps each runner's registration across restarts. */
    readonly stateSize: string;
    readonly storageClass?: string;
}

/** What distinguishes the two runners. */
export interface RunnerRole {
    /**
     * Prefix of its children's names: empty for the builder, whose resources keep their original names; the
     * sandbox's start with `sandbox-`, so `<component>-*` still names the builder's objects alone.
     */
    readonly prefix: string;
    readonly runnerName: string;
    readonly label: string;
    readonly jobImage: string;
    /** Whether job containers get node-1's Docker socket (and the Trivy cache). */
    readonly jobsGetDockerSocket: boolean;
}

const STATE_DIR = "/data";
const CONFIG_DIR = "/etc/act_runner";
const DOCKER_SOCKET = "/var/run/docker.sock";

/**
 * Two act_runner Deployments pinned to node-1, both starting job containers on the node's Docker engine: the
 * builder, whose jobs get the Docker socket, and the sandbox, whose jobs do not (act_runner's
 * `container.docker_host: "-"` is a per-runner setting, so one runner cannot offer both). Each state volume keeps
 * its runner's `.runner` registration, so a restarted pod reuses it instead of adding a runner.
 */
export class ActRunner extends pulumi.ComponentResource {
    public readonly deploymentNames: pulumi.Output<string[]>;
    /** The labels the runners offer, `<label>:docker://<image>`: the builder's, then the sandbox's. */
    public readonly labels: pulumi.Output<string[]>;

    constructor(name: string, args: ActRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:ActRunner", name, {}, opts);

        const token = new k8s.core.v1.Secret(`${name}-registration-token`, {
            metadata: { namespace: args.namespace },
            stringData: { token: args.registrationToken },
        }, { parent: this });
        const runners = runnerRoles(args).map((role) => this.runner(`${role.prefix}${name}`, role, args, token.metadata.name));
        this.deploymentNames = pulumi.all(runners.map((r) => r.deployment.metadata.name));
        this.labels = pulumi.all(runners.map((r) => r.label));
        this.registerOutputs({ deploymentNames: this.deploymentNames, labels: this.labels });
    }

    private runner(name: string, role: RunnerRole, args: ActRunnerArgs, tokenSecretName: pulumi.Input<string>) {
        const appLabels = { app: name, "app.kubernetes.io/instance": name };
        const label = pulumi.output(args.registry).apply((registry) =>
            `${role.label}:docker://${imageString(resolveImage(role.jobImage, registry))}`);

        const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { namespace: args.namespace },
            data: { "config.yaml": label.apply((l) => runnerConfig(l, role.jobsGetDockerSocket ? [args.trivyCachePath] : [], role.jobsGetDockerSocket)) },
        }, { parent: this });

        const state = new k8s.core.v1.PersistentVolumeClaim(`${name}-state`, {
            metadata: { namespace: args.namespace },
            spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: args.stateSize } },
                ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
            },
        }, { parent: this });

        // The runner itself always needs the socket: it starts the job containers on node-1's Docker.
        const trivy = role.jobsGetDockerSocket;
        const deployment = new k8s.apps.v1.Deployment(name, {
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
                                { name: "GITEA_RUNNER_NAME", value: role.runnerName },
                                { name: "GITEA_RUNNER_LABELS", value: label },
                                { name: "GITEA_RUNNER_REGISTRATION_TOKEN", valueFrom: { secretKeyRef: { name: tokenSecretName, key: "token" } } },
                            ],
                            volumeMounts: [
                                { name: "state", mountPath: STATE_DIR },
                                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                                { name: "docker-sock", mountPath: DOCKER_SOCKET },
                                ...(trivy ? [{ name: "trivy-cache", mountPath: args.trivyCachePath, readOnly: true }] : []),
                            ],
                        }],
                        volumes: [
                            { name: "state", persistentVolumeClaim: { claimName: state.metadata.name } },
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "docker-sock", hostPath: { path: DOCKER_SOCKET, type: "Socket" } },
                            ...(trivy ? [{ name: "trivy-cache", hostPath: { path: args.trivyCachePath, type: "Directory" } }] : []),
                        ],
                    },
                },
            },
        }, { parent: this });
        return { deployment, label };
    }
}

/** The builder (socket in its jobs) and the sandbox (none). */
export function runnerRoles(args: Pick<ActRunnerArgs, "runnerName" | "jobLabel" | "jobImage" | "sandboxRunnerName" | "sandboxLabel" | "sandboxJobImage">): RunnerRole[] {
    return [
        { prefix: "", runnerName: args.runnerName, label: args.jobLabel, jobImage: args.jobImage, jobsGetDockerSocket: true },
        { prefix: "sandbox-", runnerName: args.sandboxRunnerName, label: args.sandboxLabel, jobImage: args.sandboxJobImage, jobsGetDockerSocket: false },
    ];
}

/**
 * act_runner's config.yaml: registration kept on the volume, only `validVolumes` mountable by jobs. With
 * `docker_host: "-"` act_runner still finds node-1's Docker for itself but mounts it into no job or service
 * container; an empty docker_host finds it and mounts it into every job container.
 */
export function runnerConfig(labels: string, validVolumes: string[], jobsGetDockerSocket: boolean): string {
    return stringify({
        log: { level: "info" },
        runner: { file: `${STATE_DIR}/.runner`, capacity: 1, labels: [labels] },
        container: {
            // Host paths (and volumes) that jobs may mount; an empty list allows none.
            valid_volumes: validVolumes,
            docker_host: jobsGetDockerSocket ? "" : "-",
            // The act_runner default, written out: job containers are not privileged.
            privileged: false,
            // Airgap: use the job image already on node-1, pull from the internal registry only when missing.
            force_pull: false,
        },
    });
}
