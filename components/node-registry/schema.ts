// Copyright 2026, airgap-platform authors.

import * as path from "path";
import { z } from "zod";
import { hostPort, imageRef, nodePath, nodeText, sshHost, sshUser, SYSTEM_FOLDERS, tcpPort } from "../../lib/fields";
import { NODE_NAME } from "../../lib/kubernetes";

/** A node whose container runtimes must pull from the registry over plain HTTP. */
export const clusterNodeSchema = z.strictObject({
    /** Kubernetes node name. */
    name: z.string().max(253).regex(NODE_NAME, "must be a Kubernetes node name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"),
    /** Address that SSH reaches the node on. */
    host: sshHost,
    /** Container runtimes on the node that must trust the plain-HTTP registry. */
    runtimes: z.array(z.enum(["k3s", "k3s-agent", "containerd", "docker"])).min(1, "must name at least one runtime (k3s, k3s-agent, containerd, docker)"),
    /** SSH port of this node; unset, the registry node's. */
    sshPort: tcpPort.optional(),
    /** SSH user of this node; unset, the registry node's. */
    sshUser: sshUser.optional(),
});

/** Settings of {@link NodeRegistry}. */
export const nodeRegistrySchema = z.strictObject({
    /** host:port of node-1's registry, as every node and chart refers to it. */
    address: hostPort,
    /**
     * `docker` runs the registry image in Docker; `package` runs Debian's `docker-registry` (containerd-only nodes),
     * as a systemd unit, or by pid file where there is no systemd.
     */
    mode: z.enum(["docker", "package"]).default("docker"),
    /** The registry image, loaded with `docker load` from imageTarball (docker mode); never pulled. */
    image: imageRef.default("registry:2.8.3"),
    /** Local `docker save` tarball of that image, copied to node-1; its file name must not start with '-'. */
    imageTarball: nodeText.refine((file) => !path.basename(file).startsWith("-"), {
        message: "file name must not start with '-': it is passed to docker load on the node",
    }).default("airgap-bundle/images/registry-2.8.3.tar"),
    /** The registry's data on node-1, kept when the stack is destroyed; not a system folder, no ':'. */
    dataDir: nodePath(SYSTEM_FOLDERS).refine((dir) => !dir.includes(":"), {
        message: "must not contain ':' (docker -v splits the mount at it)",
    }).default("/var/lib/registry"),
    /** SSH address of node-1: a host name (letters, digits, '.', '_', '-', not starting with '-') or an IP address. */
    sshHost,
    sshPort: tcpPort.default(22),
    /** Letters, digits, '.', '_', '-', not starting with '-'. */
    sshUser: sshUser.default("ubuntu"),
    /** known_hosts lines of node-1 and the nodes (ssh-keyscan output); set, SSH refuses any other host key; unset, a node's key is recorded on first contact. */
    sshKnownHosts: z.string().min(1).optional(),
    /** Deadline of each SSH step (a script or a file copy, connection retries included), in seconds; the step then fails naming the node and the step. */
    sshStepTimeoutSeconds: z.number().int().min(10, "must be at least 10 seconds").max(86400, "must be at most 86400 seconds (a day)").default(300),
    /** Prefix of every file written on the nodes (tests use a scratch folder): `/` or a folder of its own, not a system folder. */
    // "/" is the production value (files at their real places); a system folder as the prefix is a typo.
    nodeConfigRoot: nodePath(SYSTEM_FOLDERS.filter((f) => f !== "/")).default("/"),
    /** Nodes to configure; `host` and `sshUser` follow the sshHost/sshUser rules. */
    nodes: z.array(clusterNodeSchema),
});

export type ClusterNodeSettings = z.output<typeof clusterNodeSchema>;
export type NodeRegistrySettings = z.output<typeof nodeRegistrySchema>;
