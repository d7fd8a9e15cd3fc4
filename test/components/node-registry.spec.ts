// Copyright 2026, airgap-platform authors.
//
// The node scripts run for real here, in bash, against a scratch folder standing in for the node's root.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { registryInstallScript, rooted, trustScript, untrustScript } from "../../components/node-registry";

const ADDRESS = "192.168.2.2:5000";

function bash(script: string): { code: number; out: string; err: string } {
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH } });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
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
        bash(trustScript(ADDRESS, ["k3s", "containerd", "docker"], root));
        const r = bash(untrustScript(ADDRESS, ["k3s", "containerd", "docker"], root));
        assert.strictEqual(r.code, 0, r.err);
        assert.ok(!fs.existsSync(rooted(root, "/etc/rancher/k3s/registries.yaml")));
        assert.ok(!fs.existsSync(rooted(root, `/etc/containerd/certs.d/${ADDRESS}/hosts.toml`)));
        assert.ok(fs.existsSync(rooted(root, "/etc/docker/daemon.json")), "daemon.json is shared and stays");
    });

    it("fails clearly in package mode when the node lacks docker-registry", () => {
        const script = registryInstallScript({
            address: "127.0.0.1:5999", mode: "package", image: "registry:2.8.3", imageTarball: "x.tar", dataDir: path.join(root, "data"),
            ssh: { host: "127.0.0.1", port: 22, user: "root", privateKey: "" }, nodes: [], nodeConfigRoot: root, tarballOnNode: "x",
        });
        // An empty PATH: the check is the first thing the script does.
        const r = spawnSync("/bin/bash", ["-c", script], { encoding: "utf8", env: { PATH: root } });
        assert.notStrictEqual(r.status, 0);
        assert.match(r.stderr, /docker-registry package is not installed/);
    });
});
