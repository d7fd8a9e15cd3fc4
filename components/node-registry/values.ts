// Copyright 2026, airgap-platform authors.
//
// The scripts NodeRegistry runs on the nodes, built as quoted shell code (providers/shell.ts).

import { portOf } from "../../lib/address";
import { sh, ShellCode, shLines } from "../../providers/shell";
import { ClusterNodeSettings, NodeRegistrySettings } from "./schema";

/** Marker that says a node file is ours to rewrite or remove. */
const MANAGED = "# managed by airgap-platform";
const CONTAINER = "airgap-registry";

/** `root` + absolute path, without doubling slashes. */
export function rooted(root: string, file: string): string {
    return root === "/" ? file : `${root.replace(/\/+$/, "")}${file}`;
}

/** Prints one line (printf, unlike echo, never reads a value as an option or an escape). */
function say(line: string): ShellCode {
    return sh`printf '%s\n' ${line}`;
}

/** Prints one line to stderr and stops the script. */
function fail(line: string): ShellCode {
    return sh`printf '%s\n' ${line} >&2; exit 1`;
}

/**
 * Replaces `file` with `content` through a temporary file in the same folder and a rename, so a reader (or a
 * crash) never sees it half written; the previous file is never truncated.
 */
function replaceFile(file: string, content: string): ShellCode {
    return sh`tmp="$(mktemp "$(dirname -- ${file})/.airgap.XXXXXX")" && printf '%s' ${content} > "$tmp" && chmod 0644 "$tmp" && mv -f -- "$tmp" ${file}`;
}

/** Writes `content` to `file` only when it differs, and runs `onChange` then; refuses files it does not manage. */
function writeIfChanged(file: string, content: string, onChange: ShellCode): ShellCode {
    return shLines(
        sh`mkdir -p -- "$(dirname -- ${file})"`,
        sh`if [ -e ${file} ] && ! grep -q -- ${`^${MANAGED}`} ${file}; then ${fail(`${file} exists and is not managed by airgap-platform: add the registry to it by hand or remove it`)}; fi`,
        sh`if [ -e ${file} ] && printf '%s' ${content} | cmp -s - ${file}; then ${say(`unchanged: ${file}`)}`,
        sh`else ${replaceFile(file, content)}; ${say(`written: ${file}`)}; ${onChange}; fi`,
    );
}

/** Restarts a systemd unit if it runs; nodes without systemd (or without the unit) are told what to do. */
function restartIfRunning(unit: string): ShellCode {
    return sh`if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet ${unit}; then systemctl restart ${unit}; ${say(`restarted ${unit}`)}; else ${say(`note: ${unit} is not running under systemd; restart it to apply`)}; fi`;
}

/**
 * Adds the registry to daemon.json's insecure-registries, keeping every other setting and the file's mode;
 * the merged file replaces the old one by rename.
 */
const MERGE_DAEMON_JSON = [
    "import json, os, sys, tempfile",
    "path, address = sys.argv[1], sys.argv[2]",
    "with open(path) as f:",
    "    cfg = json.load(f)",
    "cfg.setdefault('insecure-registries', []).append(address)",
    "fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.airgap.')",
    "with os.fdopen(fd, 'w') as f:",
    "    json.dump(cfg, f, indent=2)",
    "    f.write('\\n')",
    "os.chmod(tmp, os.stat(path).st_mode & 0o7777)",
    "os.replace(tmp, path)",
].join("\n");

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
        const onChange = restart ? restartIfRunning(restart) : sh`:`;
        if (content !== undefined) {
            return writeIfChanged(file, content, onChange);
        }
        // daemon.json is shared with other settings: add the registry to insecure-registries, keep the rest.
        const fresh = `${JSON.stringify({ "insecure-registries": [address] }, null, 2)}\n`;
        return shLines(
            sh`mkdir -p -- "$(dirname -- ${file})"`,
            sh`if [ ! -s ${file} ]; then ${replaceFile(file, fresh)}; ${say(`written: ${file}`)}; ${onChange}`,
            sh`elif grep -qF -- ${`"${address}"`} ${file}; then ${say(`unchanged: ${file}`)}`,
            sh`elif command -v python3 >/dev/null 2>&1; then python3 -c ${MERGE_DAEMON_JSON} ${file} ${address}; ${say(`updated: ${file}`)}; ${onChange}`,
            sh`else ${fail(`${file} exists without ${address} and python3 is missing to merge it: add it to insecure-registries by hand`)}; fi`,
        );
    });
    return shLines(sh`set -eu`, ...steps).text;
}

/** Removes the node files that only we own; daemon.json is shared and stays. */
export function untrustScript(address: string, runtimes: ClusterNodeSettings["runtimes"], root: string): string {
    const files = runtimes.map((r) => trustFiles(address, r, root)).filter((t) => t.content !== undefined).map((t) => t.file);
    return shLines(sh`set -eu`, ...files.map((f) => sh`if [ -e ${f} ] && grep -q -- ${`^${MANAGED}`} ${f}; then rm -f -- ${f}; fi`)).text;
}

/** Creates the folder the registry image is copied to and the registry's data folder. */
export function prepareScript(stateDir: string, dataDir: string): string {
    return sh`mkdir -p -- ${`${stateDir}/images`} ${dataDir}`.text;
}

/** What the install script needs: the registry's settings and where its image tarball is on the node. */
type InstallArgs = Pick<NodeRegistrySettings, "address" | "mode" | "image" | "dataDir" | "nodeConfigRoot"> & { tarballOnNode: string };

/** Starts the registry if needed, then waits until /v2/ answers. */
export function registryInstallScript(args: InstallArgs): string {
    const port = portOf(args.address);
    const v2 = `http://127.0.0.1:${port}/v2/`;
    return shLines(
        sh`set -eu`,
        registryStart(args),
        sh`for i in $(seq 1 60); do`,
        sh`  if command -v curl >/dev/null 2>&1; then curl -fsS -o /dev/null ${v2} && break; else wget -q -O /dev/null ${v2} && break; fi`,
        sh`  if [ "$i" = 60 ]; then ${fail(`registry on port ${port} did not answer /v2/ within 60 s`)}; fi`,
        sh`  sleep 1`,
        sh`done`,
        say(`registry ${args.address} answers /v2/`),
    ).text;
}

/** Starts (or keeps) the registry, without waiting for it: the part of the install script that differs by mode. */
export function registryStartScript(args: InstallArgs): string {
    return registryStart(args).text;
}

function registryStart(args: InstallArgs): ShellCode {
    return args.mode === "docker" ? dockerRegistryScript(args, portOf(args.address)) : packageRegistryScript(args);
}

function dockerRegistryScript(args: InstallArgs, port: number): ShellCode {
    return shLines(
        sh`docker image inspect ${args.image} >/dev/null 2>&1 || docker load -i ${args.tarballOnNode}`,
        sh`if docker container inspect ${CONTAINER} >/dev/null 2>&1 && [ "$(docker inspect -f '{{.Config.Image}}' ${CONTAINER})" != ${args.image} ]; then docker rm -f ${CONTAINER}; fi`,
        sh`if docker container inspect ${CONTAINER} >/dev/null 2>&1; then docker start ${CONTAINER} >/dev/null;`,
        sh`else docker run -d --name ${CONTAINER} --restart=always -p ${`${port}:5000`} -v ${`${args.dataDir}:/var/lib/registry`} ${args.image} >/dev/null; fi`,
    );
}

/** One argument of a systemd command line: double-quoted, with specifiers (%) and variables ($) kept literal. */
export function systemdArgument(value: string): string {
    return `"${value.replace(/[\\"]/g, "\\$&").replace(/%/g, "%%").replace(/\$/g, "$$$$")}"`;
}

/** The distribution registry's config (YAML; the data folder as a double-quoted scalar) and the systemd unit. */
export function packageRegistryFiles(args: Pick<NodeRegistrySettings, "address" | "dataDir" | "nodeConfigRoot">): { config: { file: string; content: string }; unit: { file: string; content: string } } {
    const configFile = rooted(args.nodeConfigRoot, "/etc/airgap-platform/registry.yml");
    return {
        config: {
            file: configFile,
            content: `${MANAGED}\nversion: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${JSON.stringify(args.dataDir)}\n  delete:\n    enabled: false\nhttp:\n  addr: :${portOf(args.address)}\n`,
        },
        unit: {
            file: rooted(args.nodeConfigRoot, "/etc/systemd/system/airgap-registry.service"),
            content: `${MANAGED}\n[Unit]\nDescription=airgap-platform registry\nAfter=network-online.target\n\n[Service]\nExecStart=/usr/bin/docker-registry serve ${systemdArgument(configFile)}\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n`,
        },
    };
}

/** Debian's docker-registry is the same distribution registry that registry:2 packages. */
function packageRegistryScript(args: InstallArgs): ShellCode {
    const { config, unit } = packageRegistryFiles(args);
    const pidFile = rooted(args.nodeConfigRoot, "/run/airgap-registry.pid");
    const logFile = rooted(args.nodeConfigRoot, "/var/log/airgap-registry.log");
    return shLines(
        sh`command -v docker-registry >/dev/null 2>&1 || { ${fail("Debian's docker-registry package is not installed on the node: install it (package mode) or use mode docker")}; }`,
        sh`changed=no`,
        writeIfChanged(config.file, config.content, sh`changed=yes`),
        sh`if [ -d /run/systemd/system ]; then`,
        writeIfChanged(unit.file, unit.content, sh`systemctl daemon-reload`),
        sh`  systemctl enable airgap-registry >/dev/null 2>&1`,
        sh`  if [ "$changed" = yes ]; then systemctl restart airgap-registry; else systemctl start airgap-registry; fi`,
        sh`else`,
        // No systemd (containers, minimal nodes): supervise by pid file.
        sh`  if [ -s ${pidFile} ] && kill -0 "$(cat ${pidFile})" 2>/dev/null; then`,
        sh`    if [ "$changed" = yes ]; then kill "$(cat ${pidFile})"; sleep 1; rm -f -- ${pidFile}; fi`,
        sh`  fi`,
        sh`  if [ ! -s ${pidFile} ] || ! kill -0 "$(cat ${pidFile})" 2>/dev/null; then`,
        sh`    mkdir -p -- "$(dirname -- ${pidFile})" "$(dirname -- ${logFile})"`,
        sh`    nohup setsid docker-registry serve ${config.file} >>${logFile} 2>&1 < /dev/null & echo $! > ${pidFile}`,
        sh`  fi`,
        sh`fi`,
    );
}

/** Stops the registry; its data directory stays on the node. */
export function registryRemoveScript(mode: "docker" | "package", root: string): string {
    if (mode === "docker") {
        return shLines(sh`docker rm -f ${CONTAINER} >/dev/null 2>&1 || true`, say("registry stopped; data kept")).text;
    }
    const pidFile = rooted(root, "/run/airgap-registry.pid");
    return shLines(
        sh`if [ -d /run/systemd/system ]; then systemctl disable --now airgap-registry >/dev/null 2>&1 || true; rm -f -- ${rooted(root, "/etc/systemd/system/airgap-registry.service")}; systemctl daemon-reload; fi`,
        sh`if [ -s ${pidFile} ]; then kill "$(cat ${pidFile})" 2>/dev/null || true; rm -f -- ${pidFile}; fi`,
        sh`rm -f -- ${rooted(root, "/etc/airgap-platform/registry.yml")}`,
        say("registry stopped; data kept"),
    ).text;
}
