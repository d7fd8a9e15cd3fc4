// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { imageString, resolveImage } from "../../lib/image";
import { ActRunnerSettings } from "./schema";
import { RunnerRole, runnerConfig, runnerRoles, STATE_DIR } from "./values";

export * from "./schema";
export { RunnerRole, runnerConfig, runnerRoles } from "./values";

/** Arguments of {@link ActRunner}. */
export interface ActRunnerArgs {
    /** Its settings; `storageClass` of the state volumes (Gitea's) resolved. */
    readonly settings: ActRunnerSettings & { readonly storageClass?: string };
    /** The internal registry's address, resolved once it answers. */
    readonly registry: pulumi.Input<string>;
    /** The Gitea the runners register with: they live in its namespace; jobs see its NodePort URL as GITHUB_SERVER_URL. */
    readonly gitea: { readonly namespace: pulumi.Input<string>; readonly nodePortUrl: pulumi.Input<string> };
    /** Secret: the registration token of the organisation whose jobs the runners take (GiteaContent). */
    readonly registrationToken: pulumi.Input<string>;
}

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
        const settings = args.settings;

        const token = new k8s.core.v1.Secret(`${name}-registration-token`, {
            metadata: { namespace: args.gitea.namespace },
            stringData: { token: args.registrationToken },
        }, { parent: this });
        const runners = runnerRoles(settings).map((role) => this.runner(`${role.prefix}${name}`, role, args, token.metadata.name));
        this.deploymentNames = pulumi.all(runners.map((r) => r.deployment.metadata.name));
        this.labels = pulumi.all(runners.map((r) => r.label));
        this.registerOutputs({ deploymentNames: this.deploymentNames, labels: this.labels });
    }

    private runner(name: string, role: RunnerRole, args: ActRunnerArgs, tokenSecretName: pulumi.Input<string>) {
        const appLabels = { app: name, "app.kubernetes.io/instance": name };
        const label = pulumi.output(args.registry).apply((registry) =>
            `${role.label}:docker://${imageString(resolveImage(role.jobImage, registry))}`);

        const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { namespace: args.gitea.namespace },
            data: { "config.yaml": label.apply((l) => runnerConfig(l, role.jobsGetDockerSocket ? [args.settings.trivyCachePath] : [], role.jobsGetDockerSocket)) },
        }, { parent: this });

        const state = new k8s.core.v1.PersistentVolumeClaim(`${name}-state`, {
            metadata: { namespace: args.gitea.namespace },
            spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: args.settings.stateSize } },
                ...(args.settings.storageClass ? { storageClassName: args.settings.storageClass } : {}),
            },
        }, { parent: this });

        // The runner itself always needs the socket: it starts the job containers on node-1's Docker.
        const trivy = role.jobsGetDockerSocket;
        const deployment = new k8s.apps.v1.Deployment(name, {
            metadata: { namespace: args.gitea.namespace, labels: appLabels },
            spec: {
                replicas: 1,
                // Two pods must never share one registration file.
                strategy: { type: "Recreate" },
                selector: { matchLabels: appLabels },
                template: {
                    metadata: { labels: appLabels },
                    spec: {
                        nodeSelector: { "kubernetes.io/hostname": args.settings.nodeName },
                        containers: [{
                            name: "runner",
                            image: pulumi.output(args.registry).apply((registry) => imageString(resolveImage(args.settings.image, registry))),
                            imagePullPolicy: "IfNotPresent",
                            workingDir: STATE_DIR,
                            env: [
                                { name: "CONFIG_FILE", value: `${CONFIG_DIR}/config.yaml` },
                                { name: "GITEA_INSTANCE_URL", value: args.gitea.nodePortUrl },
                                { name: "GITEA_RUNNER_NAME", value: role.runnerName },
                                { name: "GITEA_RUNNER_LABELS", value: label },
                                { name: "GITEA_RUNNER_REGISTRATION_TOKEN", valueFrom: { secretKeyRef: { name: tokenSecretName, key: "token" } } },
                            ],
                            volumeMounts: [
                                { name: "state", mountPath: STATE_DIR },
                                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                                { name: "docker-sock", mountPath: DOCKER_SOCKET },
                                ...(trivy ? [{ name: "trivy-cache", mountPath: args.settings.trivyCachePath, readOnly: true }] : []),
                            ],
                        }],
                        volumes: [
                            { name: "state", persistentVolumeClaim: { claimName: state.metadata.name } },
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "docker-sock", hostPath: { path: DOCKER_SOCKET, type: "Socket" } },
                            ...(trivy ? [{ name: "trivy-cache", hostPath: { path: args.settings.trivyCachePath, type: "Directory" } }] : []),
                        ],
                    },
                },
            },
        }, { parent: this });
        return { deployment, label };
    }
}
