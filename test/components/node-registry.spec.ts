// Copyright 2026, airgap-platform authors.
//
// The node scripts run for real here, in bash, against a scratch folder standing in for the node's root.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import {
    packageRegistryFiles, prepareScript, registryInstallScript, registryRemoveScript, registryStartScript, rooted, systemdArgument, trustScript,
    untrustScript,
} from "../../components/node-registry";
import { ClusterNodeSettings } from "../../components/node-registry/schema";
import { PlatformSettings, platformRawSettings, validateSettings } from "../../config";
import { sshArguments } from "../../providers/remote";
import { dependencyClosure, findResource, REMOTE_COMMAND, REMOTE_FILE, runPlatform, stackConfig, TEST_SSH_KEY } from "../helpers/program-harness";

const ADDRESS = "192.168.2.2:5000";
const P = "airgap-platform";
const ALL_RUNTIMES: ClusterNodeSettings["runtimes"] = ["k3s", "containerd", "docker"];

function bash(script: string, opts: { cwd?: string; path?: string } = {}): { code: number; out: string; err: string } {
    // stdin from /dev/null: bash reads ~/.bashrc when its stdin is a socket, as Node's pipes are.
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", cwd: opts.cwd, env: { PATH: opts.path ?? process.env.PATH }, stdio: ["ignore", "pipe", "pipe"] });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Install arguments for a scratch node. */
function installArgs(root: string, patch: Partial<Parameters<typeof registryInstallScript>[0]> = {}): Parameters<typeof registryInstallScript>[0] {
    return {
        address: "127.0.0.1:5999", mode: "package", image: "registry:2.8.3", dataDir: path.join(root, "data"), nodeConfigRoot: root,
        tarballOnNode: path.join(root, "var/lib/airgap-platform/images/x.tar"), ...patch,
    };
}

/** A stand-in `docker` that records each call's arguments (NUL-separated, one call per line) and knows no image or container. */
function fakeDocker(dir: string): { path: string; calls: () => string[][] } {
    const bin = path.join(dir, "fake-bin");
    fs.mkdirSync(bin, { recursive: true });
    const log = path.join(dir, "docker-calls");
    fs.writeFileSync(path.join(bin, "docker"), `#!/usr/bin/env bash\nprintf '%s\\0' "$@" >> '${log}'\necho >> '${log}'\ncase "$1 $2" in "image inspect"|"container inspect") exit 1;; esac\n`, { mode: 0o755 });
    return {
        path: `${bin}:${process.env.PATH}`,
        calls: () => fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => l.split("\0").slice(0, -1)) : [],
    };
}

describe("NodeRegistry node scripts", () => {
    let root: string;
    beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), "node-root-")); });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("writes the k3s mirror once and reports it unchanged on a re-run", () => {
        const first = bash(trustScript(ADDRESS, ["k3s"], root));
        assert.strictEqual(first.code, 0, first.err);
        assert.match(first.out, /written: .*registries\.yaml/);
        const file = fs.readFileSync(rooted(root, "/etc/rancher/k3s/registries.yaml"), "utf8");
        assert.match(file, /mirrors:\n {2}"192\.168\.2\.2:5000":\n {4}endpoint:\n {6}- "http:\/\/192\.168\.2\.2:5000"/);
        const second = bash(trustScript(ADDRESS, ["k3s"], root));
        assert.strictEqual(second.code, 0, second.err);
        assert.match(second.out, /unchanged: .*registries\.yaml/);
        assert.doesNotMatch(second.out, /restart/);
    });

    it("refuses to overwrite a registries.yaml it does not manage, and keeps it", () => {
        const file = rooted(root, "/etc/rancher/k3s/registries.yaml");
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, "mirrors:\n  docker.io: {}\n");
        const r = bash(trustScript(ADDRESS, ["k3s"], root));
        assert.notStrictEqual(r.code, 0);
        assert.match(r.err, /not managed by airgap-platform/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), "mirrors:\n  docker.io: {}\n");
    });

    it("writes a containerd hosts.toml for plain HTTP", () => {
        const r = bash(trustScript(ADDRESS, ["containerd"], root));
        assert.strictEqual(r.code, 0, r.err);
        const toml = fs.readFileSync(rooted(root, `/etc/containerd/certs.d/${ADDRESS}/hosts.toml`), "utf8");
        assert.match(toml, /server = "http:\/\/192\.168\.2\.2:5000"/);
        assert.match(toml, /capabilities = \["pull", "resolve"\]/);
    });

    it("adds the registry to Docker's insecure-registries and keeps the other settings", () => {
        const file = rooted(root, "/etc/docker/daemon.json");
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify({ "log-driver": "journald" }));
        const r = bash(trustScript(ADDRESS, ["docker"], root));
        assert.strictEqual(r.code, 0, r.err);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(file, "utf8")), { "log-driver": "journald", "insecure-registries": [ADDRESS] });
        assert.match(bash(trustScript(ADDRESS, ["docker"], root)).out, /unchanged/);
    });

    it("creates daemon.json when Docker has none", () => {
        assert.strictEqual(bash(trustScript(ADDRESS, ["docker"], root)).code, 0);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(rooted(root, "/etc/docker/daemon.json"), "utf8")), { "insecure-registries": [ADDRESS] });
    });

    it("removes only the files it manages on delete", () => {
        bash(trustScript(ADDRESS, ALL_RUNTIMES, root));
        const r = bash(untrustScript(ADDRESS, ALL_RUNTIMES, root));
        assert.strictEqual(r.code, 0, r.err);
        assert.ok(!fs.existsSync(rooted(root, "/etc/rancher/k3s/registries.yaml")));
        assert.ok(!fs.existsSync(rooted(root, `/etc/containerd/certs.d/${ADDRESS}/hosts.toml`)));
        assert.ok(fs.existsSync(rooted(root, "/etc/docker/daemon.json")), "daemon.json is shared and stays");
    });

    it("fails clearly in package mode when the node lacks docker-registry", () => {
        // An empty PATH: the check is the first thing the script does.
        const r = spawnSync("/bin/bash", ["-c", registryInstallScript(installArgs(root))], { encoding: "utf8", env: { PATH: root } });
        assert.notStrictEqual(r.status, 0);
        assert.match(r.stderr, /docker-registry package is not installed/);
    });

    describe("config files are replaced by rename, never truncated in place", () => {
        /** Hard-links `file` aside: if the script rewrote the file in place, the link would see the new bytes. */
        const linkAside = (file: string) => {
            const aside = path.join(root, `aside-${path.basename(file)}`);
            fs.linkSync(file, aside);
            return { aside, before: fs.readFileSync(aside, "utf8"), inode: fs.statSync(file).ino };
        };

        it("merges daemon.json into a new file and keeps its mode", () => {
            const file = rooted(root, "/etc/docker/daemon.json");
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, JSON.stringify({ "log-driver": "journald" }), { mode: 0o640 });
            fs.chmodSync(file, 0o640);
            const { aside, before, inode } = linkAside(file);
            const r = bash(trustScript(ADDRESS, ["docker"], root));
            assert.strictEqual(r.code, 0, r.err);
            assert.strictEqual(fs.readFileSync(aside, "utf8"), before, "daemon.json was truncated and rewritten in place");
            assert.notStrictEqual(fs.statSync(file).ino, inode);
            assert.strictEqual(fs.statSync(file).mode & 0o777, 0o640);
            assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ["daemon.json"], "a temporary file was left behind");
        });

        it("replaces an empty daemon.json by rename", () => {
            const file = rooted(root, "/etc/docker/daemon.json");
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, "");
            const { inode } = linkAside(file);
            assert.strictEqual(bash(trustScript(ADDRESS, ["docker"], root)).code, 0);
            assert.notStrictEqual(fs.statSync(file).ino, inode, "the empty daemon.json was written in place");
        });

        it("replaces an outdated registries.yaml, hosts.toml and registry.yml by rename", () => {
            bash(trustScript("10.0.0.1:5000", ["k3s"], root));
            const k3s = linkAside(rooted(root, "/etc/rancher/k3s/registries.yaml"));
            assert.strictEqual(bash(trustScript(ADDRESS, ["k3s", "containerd"], root)).code, 0);
            assert.strictEqual(fs.readFileSync(k3s.aside, "utf8"), k3s.before);
            assert.match(fs.readFileSync(rooted(root, "/etc/rancher/k3s/registries.yaml"), "utf8"), /192\.168\.2\.2:5000/);
            const toml = rooted(root, `/etc/containerd/certs.d/${ADDRESS}/hosts.toml`);
            assert.strictEqual(fs.statSync(toml).mode & 0o777, 0o644);
            assert.deepStrictEqual(fs.readdirSync(path.dirname(toml)), ["hosts.toml"]);
        });
    });

    it("writes the registry config with the data folder as one YAML string, and a unit that keeps its path literal", () => {
        const dataDir = path.join(root, "data: #1 $HOME %h");
        const { config, unit } = packageRegistryFiles({ address: "127.0.0.1:5000", dataDir, nodeConfigRoot: path.join(root, "100% $x") });
        assert.strictEqual(parseYaml(config.content).storage.filesystem.rootdirectory, dataDir);
        assert.ok(unit.content.includes(`ExecStart=/usr/bin/docker-registry serve ${systemdArgument(config.file)}\n`));
        // systemd.service(5): "$$" is a literal $, "%%" a literal %, C escapes inside double quotes.
        assert.strictEqual(systemdArgument("/a b/\"c\"\\d/100%/$HOME"), "\"/a b/\\\"c\\\"\\\\d/100%%/$$HOME\"");
    });

    it("parses every generated script with bash -n", () => {
        const scripts: string[] = [];
        for (const runtimes of [["k3s"], ["k3s-agent"], ["containerd"], ["docker"], ALL_RUNTIMES] as ClusterNodeSettings["runtimes"][]) {
            scripts.push(trustScript(ADDRESS, runtimes, "/"), untrustScript(ADDRESS, runtimes, "/"), trustScript(ADDRESS, runtimes, root));
        }
        for (const mode of ["docker", "package"] as const) {
            scripts.push(registryInstallScript(installArgs("/", { mode })), registryRemoveScript(mode, "/"), registryRemoveScript(mode, root));
        }
        scripts.push(prepareScript("/var/lib/airgap-platform", "/var/lib/registry"));
        const dir = path.join(root, "scripts");
        fs.mkdirSync(dir);
        scripts.forEach((s, i) => fs.writeFileSync(path.join(dir, `${i}.sh`), s));
        // One bash runs every check: a process per script costs seconds on a busy machine.
        const r = bash(`for f in '${dir}'/*.sh; do bash -n "$f" || echo "syntax error in $f"; done`);
        assert.strictEqual(`${r.out}${r.err}`, "");
        assert.ok(scripts.every((s) => !s.includes("<<")), "no heredocs");
    });
});

/** Hostile values: each must be refused naming its key, or reach the node byte for byte and run nothing. */
const HOSTILE: [string, string][] = [
    ["a single quote", "it's"],
    ["a line break and the old heredoc delimiter", "x\nAIRGAP_EOF\ntouch PWNED\nAIRGAP_EOF"],
    ["a command substitution", "$(touch PWNED)"],
    ["backticks", "`touch PWNED`"],
    ["a semicolon", "x; touch PWNED"],
    ["&&", "x && touch PWNED"],
    ["unicode", "données-日本-😀"],
    ["a 4 KiB string", "a".repeat(4096)],
    ["a leading dash", "-rf"],
    ["a NUL character", "x\0y"],
];

/** A key that reaches a node: how a hostile value is set, and what a round trip must show when it is accepted. */
interface NodeKey {
    key: string;
    set: (settings: any, value: string, scratch: string) => void;
    roundTrip: (settings: PlatformSettings, scratch: string) => void;
}

const DEV = platformRawSettings(stackConfig("Pulumi.dev.yaml")).settings;

const NODE_KEYS: NodeKey[] = [
    {
        key: "registry.dataDir",
        set: (s, v, scratch) => { s.registry.dataDir = path.join(scratch, v); },
        roundTrip: (s, scratch) => {
            const dataDir = s.registry.dataDir;
            const r = bash(prepareScript(path.join(scratch, "state"), dataDir), { cwd: scratch });
            assert.strictEqual(r.code, 0, r.err);
            assert.ok(fs.statSync(dataDir).isDirectory(), "the data folder was not created at its exact path");
            assert.strictEqual(parseYaml(packageRegistryFiles({ ...s.registry }).config.content).storage.filesystem.rootdirectory, dataDir);
            const docker = fakeDocker(scratch);
            const start = bash(registryStartScript(installArgs(scratch, { mode: "docker", dataDir })), { cwd: scratch, path: docker.path });
            assert.strictEqual(start.code, 0, start.err);
            const run = docker.calls().find((c) => c[0] === "run")!;
            assert.strictEqual(run[run.indexOf("-v") + 1], `${dataDir}:/var/lib/registry`);
        },
    },
    {
        key: "registry.nodeConfigRoot",
        set: (s, v, scratch) => { s.registry.nodeConfigRoot = path.join(scratch, v); },
        roundTrip: (s, scratch) => {
            const root = s.registry.nodeConfigRoot;
            const r = bash(trustScript(ADDRESS, ALL_RUNTIMES, root), { cwd: scratch });
            assert.strictEqual(r.code, 0, r.err);
            for (const file of ["/etc/rancher/k3s/registries.yaml", `/etc/containerd/certs.d/${ADDRESS}/hosts.toml`, "/etc/docker/daemon.json"]) {
                assert.ok(fs.existsSync(rooted(root, file)), `${file} not under the literal root`);
            }
            assert.strictEqual(bash(untrustScript(ADDRESS, ALL_RUNTIMES, root), { cwd: scratch }).code, 0);
            assert.ok(!fs.existsSync(rooted(root, "/etc/rancher/k3s/registries.yaml")));
        },
    },
    {
        key: "registry.imageTarball",
        set: (s, v, scratch) => {
            s.registry.imageTarball = path.join(scratch, `${v}.tar`);
            try {
                fs.writeFileSync(s.registry.imageTarball, "tar");
            } catch {
                // Names this file system cannot hold (NUL, too long) are still for the schema to refuse.
            }
        },
        roundTrip: (s, scratch) => {
            const tarballOnNode = path.join(scratch, "images", path.basename(s.registry.imageTarball));
            const docker = fakeDocker(scratch);
            const r = bash(registryStartScript(installArgs(scratch, { mode: "docker", tarballOnNode })), { cwd: scratch, path: docker.path });
            assert.strictEqual(r.code, 0, r.err);
            const load = docker.calls().find((c) => c[0] === "load")!;
            assert.deepStrictEqual(load, ["load", "-i", tarballOnNode]);
        },
    },
    ...["registry.sshUser", "registry.sshHost", "registry.nodes[0].sshUser", "registry.nodes[0].host"].map((key): NodeKey => ({
        key,
        set: (s, v) => {
            const [, field] = key.split(".").slice(-2);
            (key.includes("nodes") ? s.registry.nodes[0] : s.registry)[field] = v;
        },
        roundTrip: (s) => {
            const user = key.endsWith("sshUser") ? (key.includes("nodes") ? s.registry.nodes[0].sshUser! : s.registry.sshUser) : "u";
            const host = key.includes("nodes") ? s.registry.nodes[0].host : s.registry.sshHost ?? "h";
            const args = sshArguments({ node: "n", host, port: 22, user, privateKey: "", knownHosts: "", stepTimeoutSeconds: 1 }, "/k", "/kh", false, "cmd");
            assert.strictEqual(args[args.indexOf("-l") + 1], user);
            assert.deepStrictEqual(args.slice(-3), ["--", host, "cmd"]);
        },
    })),
    {
        key: "registry.nodes[0].name",
        set: (s, v) => { s.registry.nodes[0].name = v; },
        roundTrip: () => assert.fail("a node name with shell characters must be refused"),
    },
    {
        key: "actRunner.trivyCachePath",
        set: (s, v) => { s.actRunner = { ...(s.actRunner ?? {}), trivyCachePath: `/srv/${v}` }; },
        // A hostPath volume: the kubelet takes the path as is, no shell involved.
        roundTrip: () => undefined,
    },
];

describe("hostile values in settings that reach a node", function () {
    this.timeout(60_000);
    let scratch: string;
    beforeEach(() => { scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-")); });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    for (const nodeKey of NODE_KEYS) {
        it(`${nodeKey.key}: refused naming the key, or carried literally`, () => {
            const outcomes: string[] = [];
            for (const [title, value] of HOSTILE) {
                const raw = structuredClone(DEV) as any;
                const case_ = fs.mkdtempSync(path.join(scratch, "case-"));
                nodeKey.set(raw, value, case_);
                const { settings, problems } = validateSettings(raw, true);
                if (settings === undefined) {
                    assert.ok(problems.some((p) => p.startsWith(`${P}:${nodeKey.key}: `)), `${title}: problems do not name ${nodeKey.key}: ${problems}`);
                    outcomes.push(`${title}: refused`);
                    continue;
                }
                assert.deepStrictEqual(problems, []);
                const { settings: again } = validateSettings(raw, true);
                assert.deepStrictEqual(again, settings, "validation changed the value");
                nodeKey.roundTrip(settings, case_);
                assert.ok(!fs.existsSync(path.join(case_, "PWNED")), `${title}: an injected command ran`);
                outcomes.push(`${title}: carried`);
            }
            // The quote, the line break, NUL and the 4 KiB path can never pass.
            for (const title of ["a single quote", "a line break and the old heredoc delimiter", "a NUL character"]) {
                assert.ok(outcomes.includes(`${title}: refused`), `${title} was not refused for ${nodeKey.key}`);
            }
        });
    }
});

describe("NodeRegistry SSH host keys (runtime mocks)", function () {
    this.timeout(120_000);
    const SSH_HOST_KEY = "pulumi-nodejs:dynamic/airgap:SshHostKey";
    const SSH = { [`${P}:sshPrivateKey`]: TEST_SSH_KEY };

    it("records each node's host key once and makes every step on the node wait for it", async () => {
        const config = stackConfig("Pulumi.dev.yaml");
        const registry = JSON.parse(config[`${P}:registry`]);
        registry.nodes.push({ name: "node-2", host: "192.168.2.3", runtimes: ["k3s-agent"] });
        const run = await runPlatform({ ...config, ...SSH, [`${P}:registry`]: JSON.stringify(registry) }, [`${P}:sshPrivateKey`]);
        assert.ifError(run.error);
        assert.deepStrictEqual(run.resources.filter((r) => r.type === SSH_HOST_KEY).map((r) => r.name).sort(), ["registry-host-key-node-1", "registry-host-key-node-2"]);
        const key1 = findResource(run, SSH_HOST_KEY, "registry-host-key-node-1");
        for (const [type, name] of [[REMOTE_COMMAND, "registry-trust-node-1"], [REMOTE_COMMAND, "registry-prepare"], [REMOTE_FILE, "registry-image"], [REMOTE_COMMAND, "registry-service"]]) {
            const step = findResource(run, type, name);
            assert.ok(step.dependencies.includes(key1.urn), `${name} does not use node-1's recorded key`);
            assert.strictEqual(step.inputs.connection.node, "node-1");
            assert.strictEqual(step.inputs.connection.stepTimeoutSeconds, 300);
        }
        assert.ok(dependencyClosure(run, findResource(run, REMOTE_COMMAND, "registry-trust-node-2").urn).has(findResource(run, SSH_HOST_KEY, "registry-host-key-node-2").urn));
        assert.strictEqual(key1.inputs.connection.host, "192.168.2.2");
        assert.strictEqual(key1.inputs.connection.knownHosts, undefined);
    });

    it("uses the configured known hosts and records nothing when registry.sshKnownHosts is set", async () => {
        const config = stackConfig("Pulumi.dev.yaml");
        const registry = { ...JSON.parse(config[`${P}:registry`]), sshKnownHosts: "192.168.2.2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMnqR0Tv0cj4Kw2uLmW8G1c3m7qOqMtWmKbV1mJQ4mX9" };
        const run = await runPlatform({ ...config, ...SSH, [`${P}:registry`]: JSON.stringify(registry) }, [`${P}:sshPrivateKey`]);
        assert.ifError(run.error);
        assert.deepStrictEqual(run.resources.filter((r) => r.type === SSH_HOST_KEY), []);
        assert.strictEqual(findResource(run, REMOTE_COMMAND, "registry-service").inputs.connection.knownHosts, registry.sshKnownHosts);
    });
});
