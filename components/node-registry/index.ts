// Copyright 2026, airgap-platform authors.

import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand, RemoteFile, SshConnection, SshHostKey } from "../../providers/remote";
import { NodeRegistrySettings } from "./schema";
import { prepareScript, registryInstallScript, registryRemoveScript, rooted, trustScript, untrustScript } from "./values";

export * from "./schema";
export {
    packageRegistryFiles, prepareScript, registryInstallScript, registryRemoveScript, registryStartScript, rooted, systemdArgument, trustFiles, trustScript,
    untrustScript,
} from "./values";

/** Arguments of {@link NodeRegistry}. */
export interface NodeRegistryArgs {
    /**
     * Its settings; `sshHost` resolved (the address host) and the SSH key. `sshKnownHosts` unset: each node's host key
     * is recorded in the stack's state on first contact, and checked strictly on every later call.
     */
    readonly settings: NodeRegistrySettings & { readonly sshHost: string; readonly sshPrivateKey: pulumi.Input<string> };
}

/**
 * node-1's registry (registry:2 on port 5000, plain HTTP) installed over SSH, and every node told to pull
 * from it. Installing is idempotent: a re-run changes nothing, runtimes restart only when their file changed,
 * and deleting the stack stops the registry but keeps its data directory.
 */
export class NodeRegistry extends pulumi.ComponentResource {
    /** host:port of the registry, known once it answers on /v2/. */
    public readonly address: pulumi.Output<string>;
    /** SSH connection of each configured node, by name (with its recorded host key), for steps other components run there. */
    public readonly nodeConnections: Record<string, SshConnection>;

    constructor(name: string, args: NodeRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:NodeRegistry", name, {}, opts);
        const settings = args.settings;
        const ssh = { host: settings.sshHost, port: settings.sshPort, user: settings.sshUser, privateKey: settings.sshPrivateKey, knownHosts: settings.sshKnownHosts };

        // One recorded host key per SSH endpoint, shared by every step on that node.
        const hostKeys = new Map<string, SshHostKey>();
        const connection = (node: string, host: string, port: number, user: string): SshConnection => {
            const login = { node, host, port, user, privateKey: ssh.privateKey, stepTimeoutSeconds: settings.sshStepTimeoutSeconds };
            if (ssh.knownHosts !== undefined) {
                return { ...login, knownHosts: ssh.knownHosts };
            }
            const endpoint = `${host}:${port}`;
            const hostKey = hostKeys.get(endpoint) ?? new SshHostKey(`${name}-host-key-${node}`, { connection: login }, { parent: this });
            hostKeys.set(endpoint, hostKey);
            return { ...login, knownHosts: hostKey.knownHosts, hostKeyUrn: hostKey.urn };
        };

        // Runtimes learn about the registry first: restarting Docker must not bounce a freshly started registry.
        const trust = settings.nodes.map((node) => new RemoteCommand(`${name}-trust-${node.name}`, {
            connection: connection(node.name, node.host, node.sshPort ?? ssh.port, node.sshUser ?? ssh.user),
            create: trustScript(settings.address, node.runtimes, settings.nodeConfigRoot),
            update: trustScript(settings.address, node.runtimes, settings.nodeConfigRoot),
            delete: untrustScript(settings.address, node.runtimes, settings.nodeConfigRoot),
        }, { parent: this }));

        const registryNodeName = settings.nodes.find((n) => n.host === ssh.host && (n.sshPort ?? ssh.port) === ssh.port)?.name ?? "registry-node";
        const registryNode = connection(registryNodeName, ssh.host, ssh.port, ssh.user);
        const stateDir = rooted(settings.nodeConfigRoot, "/var/lib/airgap-platform");
        const prepare = new RemoteCommand(`${name}-prepare`, {
            connection: registryNode,
            create: prepareScript(stateDir, settings.dataDir),
        }, { parent: this, dependsOn: trust });

        const installDeps: pulumi.Resource[] = [prepare];
        const tarballOnNode = `${stateDir}/images/${path.basename(settings.imageTarball)}`;
        if (settings.mode === "docker") {
            installDeps.push(new RemoteFile(`${name}-image`, {
                connection: registryNode,
                source: settings.imageTarball,
                remotePath: tarballOnNode,
            }, { parent: this, dependsOn: prepare }));
        }

        const install = registryInstallScript({ ...settings, tarballOnNode });
        const registry = new RemoteCommand(`${name}-service`, {
            connection: registryNode,
            create: install,
            update: install,
            delete: registryRemoveScript(settings.mode, settings.nodeConfigRoot),
        }, { parent: this, dependsOn: installDeps });

        this.address = pulumi.all([registry.stdout, ...trust.map((t) => t.stdout)]).apply(() => settings.address);
        this.nodeConnections = Object.fromEntries(settings.nodes.map((node) =>
            [node.name, connection(node.name, node.host, node.sshPort ?? ssh.port, node.sshUser ?? ssh.user)]));
        this.registerOutputs({ address: this.address });
    }
}
