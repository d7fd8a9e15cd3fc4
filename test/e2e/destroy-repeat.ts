// Copyright 2026, airgap-platform authors.
//
// `npm run bench:destroy [-- CYCLES]`: up then destroy of the local stack, CYCLES times (default 10) on one local
// cluster, each destroy timed from its event stream. While a destroy runs, the namespaces being deleted are polled:
// their status conditions (NamespaceContentRemaining, NamespaceFinalizersRemaining, ...) say what the namespace
// controller still waits for, and the objects still present in them are listed, so a slow destroy names its cause.

import * as fs from "fs";
import * as path from "path";
import { Cluster, startCluster } from "./harness/cluster";
import { startSshd } from "./harness/sshd";
import { GiteaServer } from "./harness/gitea";
import { giveAdminPassword, realGiteaFor, REGISTRY, STACK_FILE } from "./support/fixture";
import { prepareE2eSupply } from "../supply/support/e2e-supply";
import { Workspace } from "./support/pulumi";
import { customDependencies, shortUrn, slowestSteps, timedPulumi } from "./support/timing";

interface NamespaceWatch {
    stop: () => Promise<string[]>;
}

/** Every 2 s, what the terminating namespaces report, kept once per distinct message. */
function watchTerminatingNamespaces(cluster: Cluster, startedAt: number): NamespaceWatch {
    const seen = new Set<string>();
    const notes: string[] = [];
    let running = true;
    const poll = async () => {
        while (running) {
            try {
                const list = JSON.parse(await cluster.kubectl(["get", "namespaces", "-o", "json"], { timeoutMs: 10_000 }));
                for (const ns of list.items.filter((n: any) => n.metadata.deletionTimestamp)) {
                    // The namespace's own finalizers: spec's `kubernetes` (the namespace controller, once its content is
                    // gone) and metadata's `foregroundDeletion` (the garbage collector, after a foreground delete).
                    const own = `finalizers: spec [${ns.spec?.finalizers ?? []}], metadata [${ns.metadata.finalizers ?? []}]`;
                    const conditions = (ns.status?.conditions ?? []).filter((x: any) => x.status === "True").map((c: any) => `${c.type}: ${c.message}`);
                    for (const what of [own, ...conditions]) {
                        const note = `${ns.metadata.name}: ${what}`;
                        if (!seen.has(note)) {
                            seen.add(note);
                            notes.push(`+${((Date.now() - startedAt) / 1000).toFixed(1)} s ${note}`);
                        }
                    }
                }
            } catch {
                /* the API may be busy; the next poll tells */
            }
            await new Promise((r) => setTimeout(r, 2000));
        }
    };
    const done = poll();
    return { stop: async () => { running = false; await done; return notes; } };
}

async function main(cycles: number): Promise<void> {
    fs.rmSync("/tmp/airgap-e2e", { recursive: true, force: true });
    await prepareE2eSupply(STACK_FILE);
    const logsDir = fs.mkdtempSync("/tmp/airgap-destroy-logs-");
    const cluster = await startCluster({ workers: 1, logsDir });
    const sshd = await startSshd({ port: REGISTRY.sshPort });
    const ws = new Workspace("destroy", STACK_FILE, { KUBECONFIG: cluster.kubeconfigPath, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" });
    let gitea: GiteaServer | undefined;
    const times: number[] = [];
    try {
        await ws.init({ "airgap-platform:sshPrivateKey": sshd.privateKey });
        gitea = await realGiteaFor(ws);
        const config = ["--config-file", ws.configFile];
        for (let i = 1; i <= cycles; i++) {
            if (i > 1) {
                await giveAdminPassword(ws, gitea);
            }
            const up = await timedPulumi(ws, ["up", "--yes", "--skip-preview", ...config]);
            const custom = customDependencies(JSON.parse((await ws.mustPulumi(["stack", "export"])).stdout).deployment.resources);
            const startedAt = Date.now();
            const watch = watchTerminatingNamespaces(cluster, startedAt);
            const destroy = await timedPulumi(ws, ["destroy", "--yes", ...config]);
            const notes = await watch.stop();
            times.push(destroy.seconds);
            const slowest = slowestSteps(destroy, custom, 3);
            console.log(`cycle ${i}: up ${up.seconds.toFixed(1)} s, destroy ${destroy.seconds.toFixed(1)} s; slowest: `
                + slowest.map((s) => `${shortUrn(s.urn)} ${(s.end - s.start).toFixed(1)} s`).join(", "));
            for (const note of notes) {
                console.log(`    ${note}`);
            }
        }
        const sorted = [...times].sort((a, b) => a - b);
        console.log(`\n${cycles} destroys (s): ${times.map((t) => t.toFixed(1)).join(", ")}; median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)}`);
        console.log(`component logs: ${path.join(logsDir)} (copied when the cluster stops)`);
    } finally {
        await ws.pulumi(["destroy", "--yes", "--config-file", ws.configFile]);
        ws.remove();
        await gitea?.stop();
        await sshd.stop();
        await cluster.stop();
    }
}

if (require.main === module) {
    main(Number(process.argv[2] ?? 10)).catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
