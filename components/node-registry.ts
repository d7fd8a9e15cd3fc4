// Copyright 2026, airgap-platform authors.

import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ClusterNodeSettings, portOf } from "../config";
import { RemoteCommand, RemoteFile } from "../providers/remote";

/** Arguments of {@link NodeRegistry}. */
export interface NodeRegistryArgs {
    /** host:port that nodes and charts use for the registry, e.g. 192.168.2.2:5000. */
    readonly address: string;
    /** `docker`: the registry image in Docker; `package`: Debian's docker-registry binary. */
    readonly mode: "docker" | "package";
    /** The registry image (docker mode), loaded from `imageTarball`, never pulled. */
    readonly image: string;
    /** Local path of the `docker save` tarball of `image` (docker mode). */
    readonly imageTarball: string;
    /** Host directory of the registry's data; it outlives the container and the stack. */
    readonly dataDir: string;
    /** SSH endpoint of the registry node. Defaults: the address host, port 22. */
    readonly ssh: { host: string; port: number; user: string; privateKey: pulumi.Input<string>; knownHosts?: string };
    /** Nodes whose container runtimes must pull from the registry over plain HTTP. */
    readonly nodes: ClusterNodeSettings[];
    /** Prefix of every file written on a node; "/" in production. */
    readonly nodeConfigRoot: string;
}

/** Marker that says a node file is ours to rewrite or remove. */
const MANAGED = "# managed by airgap-platform";
const CONTAINER = "airgap-registry";

/**
 * node-1's registry (registry:2 on port 5000, plain HTTP) installed over SSH, and every node told to pull
 * from it. Installing is idempotent: a re-run changes nothing, runtimes restart only when their file changed,
 * and deleting the stack stops the registry but keeps its data directory.
 */
export class NodeRegistry extends pulumi.ComponentResource {
    /** host:port of the registry, known once it answers on /v2/. */
    public readonly address: pulumi.Output<string>;

    constructor(name: string, args: NodeRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:NodeRegistry", name, {}, opts);

        const connection = (host: string, port: number, user: string) => ({
            host, port, user, privateKey: args.ssh.privateKey, knownHosts: args.ssh.knownHosts,
        });
        const registryNode = connection(args.ssh.host, args.ssh.port, args.ssh.user);

        // Runtimes learn about the registry first: restarting Docker must not bounce a freshly started registry.
        const trust = args.nodes.map((node) => new RemoteCommand(`${name}-trust-${node.name}`, {
            connection: connection(node.host, node.sshPort ?? args.ssh.port, node.sshUser ?? args.ssh.user),
            create: trustScript(args.address, node.runtimes, args.nodeConfigRoot),
            update: trustScript(args.address, node.runtimes, args.nodeConfigRoot),
            delete: untrustScript(args.address, node.runtimes, args.nodeConfigRoot),
        }, { parent: this }));

        const stateDir = rooted(args.nodeConfigRoot, "/var/lib/airgap-platform");
        const prepare = new RemoteCommand(`${name}-prepare`, {
            connection: registryNode,
            create: `mkdir -p '${stateDir}/images' '${args.dataDir}'`,
        }, { parent: this, dependsOn: trust });

        const installDeps: pulumi.Resource[] = [prepare];
        const tarballOnNode = `${stateDir}/images/${path.basename(args.imageTarball)}`;
        if (args.mode === "docker") {
            installDeps.push(new RemoteFile(`${name}-image`, {
                connection: registryNode,
                source: args.imageTarball,
                remotePath: tarballOnNode,
            }, { parent: this, dependsOn: prepare }));
        }

        const install = registryInstallScript({ ...args, tarballOnNode });
        const registry = new RemoteCommand(`${name}-service`, {
            connection: registryNode,
            create: install,
            update: install,
            delete: registryRemoveScript(args.mode, args.nodeConfigRoot),
        }, { parent: this, dependsOn: installDeps });

        this.address = pulumi.all([registry.stdout, ...trust.map((t) => t.stdout)]).apply(() => args.address);
        this.registerOutputs({ address: this.address });
    }
}

/** `root` + absolute path, without doubling slashes. */
export function rooted(root: string, file: string): string {
    return root === "/" ? file : `${root.replace(/\/+$/, "")}${file}`;
}

/** Shell that writes `content` to `file` only when it differs, and runs `onChange` then. */
function writeIfChanged(file: string, content: string, onChange: string): string {
    return [
        `mkdir -p "$(dirname '${file}')"`,
        `if [ -e '${file}' ] && ! grep -q '^${MANAGED}' '${file}'; then echo '${file} exists and is not managed by airgap-platform: add the registry to it by hand or remove it' >&2; exit 1; fi`,
        `cat > '${file}.new' <<'AIRGAP_EOF'\n${content}AIRGAP_EOF`,
        `if cmp -s '${file}.new' '${file}'; then rm -f '${file}.new'; echo 'unchanged: ${file}'; else mv '${file}.new' '${file}'; echo 'written: ${file}'; ${onChange}; fi`,
    ].join("\n");
}

/** Restarts a systemd unit if it runs; nodes without systemd (or without the unit) are told what to do. */
function restartIfRunning(unit: string): string {
    return `if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet ${unit}; then systemctl restart ${unit}; echo 'restarted ${unit}'; else echo 'note: ${unit} is not running under systemd; restart it to apply'; fi`;
}

/** Files that make a node's runtimes pull from `address` over plain HTTP. */
export function trustFiles(address: string, runtime: ClusterNodeSettings["runtimes"][number], root: string): { file: string; content?: string; restart?: string } {
    switch (runtime) {
        case "k3s":
        case "k3s-agent":
            return {
                file: rooted(root, "/etc/rancher/k3s/registries.yaml"),
                content: `${MANAGED}\nmirrors:\n  "${address}":\n    endpoint:\n      - "http://${address}"\n`,
                restart: runtime,
            };
        case "containerd":
            // containerd re-reads certs.d on every pull (config_path = /etc/containerd/certs.d): no restart.
            return {
                file: rooted(root, `/etc/containerd/certs.d/${address}/hosts.toml`),
                content: `${MANAGED}\nserver = "http://${address}"\n\n[host."http://${address}"]\n  capabilities = ["pull", "resolve"]\n`,
            };
        case "docker":
            return { file: rooted(root, "/etc/docker/daemon.json"), restart: "docker" };
    }
}

/** Idempotent trust script for one node. */
export function trustScript(address: string, runtimes: ClusterNodeSettings["runtimes"], root: string): string {
    const steps = runtimes.map((runtime) => {
        const { file, content, restart } = trustFiles(address, runtime, root);
        const onChange = restart ? restartIfRunning(restart) : ":";
        if (content !== undefined) {
            return writeIfChanged(file, content, onChange);
        }
        // daemon.json is shared with other settings: add the registry to insecure-registries, keep the rest.
        return [
            `mkdir -p "$(dirname '${file}')"`,
            `if [ ! -s '${file}' ]; then printf '{\\n  "insecure-registries": ["${address}"]\\n}\\n' > '${file}'; echo 'written: ${file}'; ${onChange};`,
            `elif grep -q '"${address}"' '${file}'; then echo 'unchanged: ${file}';`,
            `elif command -v python3 >/dev/null 2>&1; then python3 - '${file}' '${address}' <<'AIRGAP_PY'`,
            "import json, sys",
            "f, addr = sys.argv[1], sys.argv[2]",
            "cfg = json.load(open(f))",
            "cfg.setdefault('insecure-registries', []).append(addr)",
            "json.dump(cfg, open(f, 'w'), indent=2)",
            "AIRGAP_PY",
            `  echo 'updated: ${file}'; ${onChange};`,
            `else echo '${file} exists without ${address} and python3 is missing to merge it: add it to insecure-registries by hand' >&2; exit 1; fi`,
        ].join("\n");
    });
    return ["set -eu", ...steps].join("\n");
}

/** Removes the node files that only we own; daemon.json is shared and stays. */
export function untrustScript(address: string, runtimes: ClusterNodeSettings["runtimes"], root: string): string {
    const files = runtimes.map((r) => trustFiles(address, r, root)).filter((t) => t.content !== undefined).map((t) => t.file);
    return ["set -eu", ...files.map((f) => `if [ -e '${f}' ] && grep -q '^${MANAGED}' '${f}'; then rm -f '${f}'; fi`)].join("\n");
}

interface InstallArgs extends NodeRegistryArgs {
    tarballOnNode: string;
}

/** Starts the registry if needed, then waits until /v2/ answers. */
export function registryInstallScript(args: InstallArgs): string {
    const port = portOf(args.address);
    const start = args.mode === "docker" ? dockerRegistryScript(args, port) : packageRegistryScript(args, port);
    return [
        "set -eu",
        start,
        `for i in $(seq 1 60); do`,
        `  if command -v curl >/dev/null 2>&1; then curl -fsS -o /dev/null http://127.0.0.1:${port}/v2/ && break; else wget -q -O /dev/null http://127.0.0.1:${port}/v2/ && break; fi`,
        `  if [ "$i" = 60 ]; then echo 'registry on port ${port} did not answer /v2/ within 60 s' >&2; exit 1; fi`,
        "  sleep 1",
        "done",
        `echo 'registry ${args.address} answers /v2/'`,
    ].join("\n");
}

function dockerRegistryScript(args: InstallArgs, port: number): string {
    return [
        `docker image inspect '${args.image}' >/dev/null 2>&1 || docker load -i '${args.tarballOnNode}'`,
        `if docker container inspect ${CONTAINER} >/dev/null 2>&1 && [ "$(docker inspect -f '{{.Config.Image}}' ${CONTAINER})" != '${args.image}' ]; then docker rm -f ${CONTAINER}; fi`,
        `if docker container inspect ${CONTAINER} >/dev/null 2>&1; then docker start ${CONTAINER} >/dev/null;`,
        `else docker run -d --name ${CONTAINER} --restart=always -p ${port}:5000 -v '${args.dataDir}:/var/lib/registry' '${args.image}' >/dev/null; fi`,
    ].join("\n");
}

/** Debian's docker-registry is the same distribution registry that registry:2 packages. */
function packageRegistryScript(args: InstallArgs, port: number): string {
    const cfgFile = rooted(args.nodeConfigRoot, "/etc/airgap-platform/registry.yml");
    const unitFile = rooted(args.nodeConfigRoot, "/etc/systemd/system/airgap-registry.service");
    const pidFile = rooted(args.nodeConfigRoot, "/run/airgap-registry.pid");
    const logFile = rooted(args.nodeConfigRoot, "/var/log/airgap-registry.log");
    const config = `${MANAGED}\nversion: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${args.dataDir}\n  delete:\n    enabled: false\nhttp:\n  addr: :${port}\n`;
    const unit = `${MANAGED}\n[Unit]\nDescription=airgap-platform registry\nAfter=network-online.target\n\n[Service]\nExecStart=/usr/bin/docker-registry serve ${cfgFile}\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n`;
    return [
        `command -v docker-registry >/dev/null 2>&1 || { echo "Debian's docker-registry package is not installed on the node: install it (package mode) or use mode docker" >&2; exit 1; }`,
        "changed=no",
        writeIfChanged(cfgFile, config, "changed=yes"),
        `if [ -d /run/systemd/system ]; then`,
        writeIfChanged(unitFile, unit, "systemctl daemon-reload"),
        `  systemctl enable airgap-registry >/dev/null 2>&1`,
        `  if [ "$changed" = yes ]; then systemctl restart airgap-registry; else systemctl start airgap-registry; fi`,
        "else",
        // No systemd (containers, minimal nodes): supervise by pid file.
        `  if [ -s '${pidFile}' ] && kill -0 "$(cat '${pidFile}')" 2>/dev/null; then`,
        `    if [ "$changed" = yes ]; then kill "$(cat '${pidFile}')"; sleep 1; rm -f '${pidFile}'; fi`,
        "  fi",
        `  if [ ! -s '${pidFile}' ] || ! kill -0 "$(cat '${pidFile}')" 2>/dev/null; then`,
        `    mkdir -p "$(dirname '${pidFile}')" "$(dirname '${logFile}')"`,
        `    nohup setsid docker-registry serve '${cfgFile}' >>'${logFile}' 2>&1 < /dev/null & echo $! > '${pidFile}'`,
        "  fi",
        "fi",
    ].join("\n");
}

/** Stops the registry; its data directory stays on the node. */
export function registryRemoveScript(mode: "docker" | "package", root: string): string {
    if (mode === "docker") {
        return `docker rm -f ${CONTAINER} >/dev/null 2>&1 || true; echo 'registry stopped; data kept'`;
    }
    const pidFile = rooted(root, "/run/airgap-registry.pid");
    return [
        `if [ -d /run/systemd/system ]; then systemctl disable --now airgap-registry >/dev/null 2>&1 || true; rm -f '${rooted(root, "/etc/systemd/system/airgap-registry.service")}'; systemctl daemon-reload; fi`,
        `if [ -s '${pidFile}' ]; then kill "$(cat '${pidFile}')" 2>/dev/null || true; rm -f '${pidFile}'; fi`,
        `rm -f '${rooted(root, "/etc/airgap-platform/registry.yml")}'`,
        "echo 'registry stopped; data kept'",
    ].join("\n");
}

