// Copyright 2026, airgap-platform authors.

import { stringify } from "yaml";
import { ActRunnerSettings } from "./schema";

export const STATE_DIR = "/data";

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

/** The builder (socket in its jobs) and the sandbox (none). */
export function runnerRoles(args: Pick<ActRunnerSettings, "runnerName" | "jobLabel" | "jobImage" | "sandboxRunnerName" | "sandboxLabel" | "sandboxJobImage">): RunnerRole[] {
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
