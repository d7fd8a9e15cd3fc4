// Copyright 2026, airgap-platform authors.
//
// What every real-engine suite needs: a cluster, node-1's stand-in, a stack workspace, and small readers of
// the live API and of the registry.

import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { GENERATED_PASSWORD } from "../../helpers/program-harness";
import { Cluster, startCluster } from "../harness/cluster";
import { GiteaServer, startGitea } from "../harness/gitea";
import { Sshd, startSshd } from "../harness/sshd";
import { prepareE2eSupply } from "../../supply/support/e2e-supply";
import { EngineEvent, ROOT, tail, Workspace } from "./pulumi";

export const STACK_FILE = "Pulumi.local.yaml";
/** The pack through its wrapper (the language host built here has no RunPlugin), with the local registry. */
export const POLICY = ["--policy-pack", path.join(ROOT, "policy", "analyzer.sh"),
    "--policy-pack-config", path.join(ROOT, "policy", "policy-config.local.json")];
const local = (parseYaml(fs.readFileSync(path.join(ROOT, STACK_FILE), "utf8")) as { config: Record<string, any> }).config;
export const REGISTRY = local["airgap-platform:registry"];
const [, REGISTRY_PORT] = (REGISTRY.address as string).split(":");

/** GET http://127.0.0.1:<registry>/v2/ → status code (or 0 when nothing listens). */
export function registryStatus(): Promise<number> {
    return new Promise((resolve) => {
        const req = http.get({ host: "127.0.0.1", port: Number(REGISTRY_PORT), path: "/v2/", timeout: 3000 }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
        });
        req.on("error", () => resolve(0));
        req.on("timeout", () => { req.destroy(); resolve(0); });
    });
}

export async function getJson(cluster: Cluster, args: string[]): Promise<any> {
    return JSON.parse(await cluster.kubectl([...args, "-o", "json"]));
}

/** Sequence numbers of every event of `kind` for resources whose URN and type match. */
export function eventSeq(events: EngineEvent[], kind: "resourcePreEvent" | "resOutputsEvent", match: (urn: string, type: string) => boolean): number[] {
    return events.filter((e) => e[kind] && match(e[kind]!.metadata.urn, e[kind]!.metadata.type)).map((e) => e.sequence);
}

/** A value of `pulumi stack export --show-secrets`: the secret envelope keeps the value as JSON in `plaintext`. */
export function revealed(value: any): any {
    return value && typeof value === "object" && "plaintext" in value ? JSON.parse(value.plaintext) : value;
}

/**
 * Starts a real Gitea for the stack's content resources (giteaContent.apiUrl) while its chart goes to the cluster,
 * whose fake nodes run no pods. The admin gets the stack's generated password as the chart's configure-gitea step
 * would: see giveAdminPassword.
 */
export async function realGiteaFor(ws: Workspace): Promise<GiteaServer> {
    const gitea = await startGitea();
    try {
        await ws.mustPulumi(["config", "set", "--path", "airgap-platform:giteaContent.apiUrl", gitea.url, "--config-file", ws.configFile]);
        await giveAdminPassword(ws, gitea);
        return gitea;
    } catch (e) {
        await gitea.stop();
        throw e;
    }
}

/**
 * Gives Gitea's admin the stack's generated password: generated first (a targeted up of that one resource), then set
 * through Gitea's API. Again after a destroy, which drops the password, before the next up.
 */
export async function giveAdminPassword(ws: Workspace, gitea: GiteaServer): Promise<void> {
    const component = `urn:pulumi:${ws.stack}::airgap-platform::airgap:index:Gitea::gitea`;
    const urn = `urn:pulumi:${ws.stack}::airgap-platform::airgap:index:Gitea$${GENERATED_PASSWORD}::gitea-admin-password`;
    // A targeted child needs its parent targeted too. The password has no dependency, so it is created first;
    // the same run then stops at the charts, whose registry address only the untargeted registry steps produce,
    // so what counts is the password in the state, not the run's exit code.
    const targeted = await ws.pulumi(["up", "--yes", "--skip-preview", "--target", component, "--target", urn, "--config-file", ws.configFile]);
    const state = JSON.parse((await ws.mustPulumi(["stack", "export", "--show-secrets"])).stdout);
    const password = (state.deployment.resources ?? []).find((r: any) => r.urn === urn)?.outputs.result;
    if (password === undefined) {
        throw new Error(`the targeted up did not create ${urn}:\n${tail(targeted.stdout)}\n${tail(targeted.stderr)}`);
    }
    await gitea.setAdminPassword(revealed(password));
}

/** What a benchmark of the local stack runs against. */
export interface BenchStack {
    cluster: Cluster;
    sshd: Sshd;
    ws: Workspace;
    gitea: GiteaServer;
}

/**
 * For the benchmarks (outside mocha): a fresh supply bundle, cluster and node-1 stand-in, a stack workspace
 * whose preview streams JSON, and a real Gitea; runs `body`, then destroys the stack and stops everything.
 */
export async function withBenchStack(stack: string, clusterOptions: Parameters<typeof startCluster>[0], body: (b: BenchStack) => Promise<void>): Promise<void> {
    fs.rmSync("/tmp/airgap-e2e", { recursive: true, force: true });
    await prepareE2eSupply(STACK_FILE);
    const cluster = await startCluster(clusterOptions);
    const sshd = await startSshd({ port: REGISTRY.sshPort });
    const ws = new Workspace(stack, STACK_FILE, { KUBECONFIG: cluster.kubeconfigPath, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" });
    let gitea: GiteaServer | undefined;
    try {
        await ws.init({ "airgap-platform:sshPrivateKey": sshd.privateKey });
        gitea = await realGiteaFor(ws);
        await body({ cluster, sshd, ws, gitea });
    } finally {
        await ws.pulumi(["destroy", "--yes", "--config-file", ws.configFile]);
        ws.remove();
        await gitea?.stop();
        await sshd.stop();
        await cluster.stop();
    }
}

/** Brings up a cluster, node-1's stand-in, a real Gitea and a stack workspace, and tears all of it down after. */
export function platformFixture(stack: string) {
    const fixture: { cluster?: Cluster; sshd?: Sshd; ws?: Workspace; gitea?: GiteaServer } = {};
    before(async function () {
        this.timeout(10 * 60_000);
        fs.rmSync("/tmp/airgap-e2e", { recursive: true, force: true });
        // The stack seeds its registry from this bundle and pulls its charts from there (supply section of the stack file).
        await prepareE2eSupply(STACK_FILE);
        fixture.cluster = await startCluster({ workers: 1 });
        fixture.sshd = await startSshd({ port: REGISTRY.sshPort });
        fixture.ws = new Workspace(stack, STACK_FILE, { KUBECONFIG: fixture.cluster.kubeconfigPath });
        await fixture.ws.init({ "airgap-platform:sshPrivateKey": fixture.sshd.privateKey });
        // Strict host key checking, as an operator would run it: node-1's key is known in advance.
        await fixture.ws.mustPulumi(["config", "set", "--path", "airgap-platform:registry.sshKnownHosts", fixture.sshd.knownHostsLine,
            "--config-file", fixture.ws.configFile]);
        fixture.gitea = await realGiteaFor(fixture.ws);
    });
    after(async function () {
        this.timeout(10 * 60_000);
        if (fixture.ws) {
            // Best effort: a failed test must not leave the registry process behind.
            await fixture.ws.pulumi(["destroy", "--yes", "--config-file", fixture.ws.configFile]);
            fixture.ws.remove();
        }
        await fixture.gitea?.stop();
        await fixture.sshd?.stop();
        await fixture.cluster?.stop();
    });
    return fixture;
}
