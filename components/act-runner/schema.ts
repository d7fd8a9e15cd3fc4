// Copyright 2026, airgap-platform authors.

import { z } from "zod";
import { dnsLabel, imageRef, nodePath, quantity, runnerLabel, SYSTEM_FOLDERS } from "../../lib/fields";

/** Settings of {@link ActRunner}. */
export const actRunnerSchema = z.strictObject({
    /** act_runner image path inside the internal registry. */
    image: imageRef.default("gitea/act_runner:0.2.11"),
    /** The node whose Docker engine builds the images (and hosts the registry). */
    nodeName: z.string().min(1).default("node-1"),
    /** Name of the builder runner in Gitea. */
    runnerName: dnsLabel("runner name").default("node-1-runner"),
    /** `runs-on` label of the builder jobs, whose containers get node-1's Docker socket: push and tag workflows only. */
    jobLabel: runnerLabel.default("lumen-builder"),
    /** Job container image of the builder. */
    jobImage: imageRef.default("lumen-api:builder"),
    /** A second runner on node-1 whose job containers get no Docker socket (`docker_host: "-"`) and no host volume. */
    sandboxRunnerName: dnsLabel("runner name").default("node-1-sandbox-runner"),
    /** The sandbox's `runs-on` label: every job a pull request starts; must differ from `jobLabel`. */
    sandboxLabel: runnerLabel.default("lumen-sandbox"),
    /** The sandbox's job container image. */
    sandboxJobImage: imageRef.default("lumen-api:builder"),
    /** Offline Trivy database on the node (unpacked there by the seed), mounted read-only into builder jobs; not a system folder. */
    trivyCachePath: nodePath(SYSTEM_FOLDERS).default("/var/cache/trivy"),
    /** Volume that keeps each runner's registration (`.runner`) across restarts. */
    stateSize: quantity.default("1Gi"),
});

export type ActRunnerSettings = z.output<typeof actRunnerSchema>;
