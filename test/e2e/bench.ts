// Copyright 2026, airgap-platform authors.
//
// `npm run bench:e2e`: wall time of preview, first up, no-op up and destroy of the local stack on a fresh
// local cluster, and the critical path of the first up (the longest chain of dependent steps, from the
// engine's event log and the dependencies in the state). Not a timed test: it prints, it does not judge.

import * as fs from "fs";
import * as path from "path";
import { startCluster } from "./harness/cluster";
import { startSshd } from "./harness/sshd";
import { GiteaServer } from "./harness/gitea";
import { POLICY, realGiteaFor, REGISTRY, STACK_FILE } from "./support/fixture";
import { prepareE2eSupply } from "../supply/support/e2e-supply";
import { EngineEvent, readEventLog, Workspace } from "./support/pulumi";

interface Step {
    urn: string;
    start: number;
    end: number;
}

/** Start and end (event-log timestamps, seconds) of every resource step of an update. */
export function stepTimes(events: EngineEvent[]): Map<string, Step> {
    const steps = new Map<string, Step>();
    for (const e of events) {
        const pre = e.resourcePreEvent?.metadata;
        const done = e.resOutputsEvent?.metadata;
        if (pre && !steps.has(pre.urn)) {
            steps.set(pre.urn, { urn: pre.urn, start: e.timestamp, end: e.timestamp });
        }
        if (done && steps.has(done.urn)) {
            steps.get(done.urn)!.end = e.timestamp;
        }
    }
    return steps;
}

/**
 * The longest chain of dependent steps: each step's weight is its own duration, and a step waits for its
 * dependencies (explicit and through inputs). Returns the chain's length in seconds and its steps.
 */
export function criticalPath(steps: Map<string, Step>, dependencies: Map<string, string[]>): { seconds: number; chain: string[] } {
    const memo = new Map<string, { seconds: number; chain: string[] }>();
    const visit = (urn: string): { seconds: number; chain: string[] } => {
        const known = memo.get(urn);
        if (known) {
            return known;
        }
        const own = steps.get(urn);
        let best = { seconds: 0, chain: [] as string[] };
        for (const dep of dependencies.get(urn) ?? []) {
            const candidate = visit(dep);
            if (candidate.seconds > best.seconds) {
                best = candidate;
            }
        }
        const result = { seconds: best.seconds + (own ? own.end - own.start : 0), chain: [...best.chain, urn] };
        memo.set(urn, result);
        return result;
    };
    let longest = { seconds: 0, chain: [] as string[] };
    for (const urn of steps.keys()) {
        const candidate = visit(urn);
        if (candidate.seconds > longest.seconds) {
            longest = candidate;
        }
    }
    return longest;
}

interface StateResource {
    urn: string;
    custom: boolean;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

/**
 * What each custom resource (the ones that take time) waits for, as custom resources: its own dependencies,
 * those of the components above it (a chart's objects wait for the chart's inputs), and a dependency on a
 * component stands for every custom resource inside it.
 */
export function customDependencies(resources: StateResource[]): Map<string, string[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const children = new Map<string, string[]>();
    for (const r of resources) {
        if (r.parent) {
            children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
        }
    }
    const customInside = (urn: string): string[] => byUrn.get(urn)?.custom
        ? [urn]
        : (children.get(urn) ?? []).flatMap(customInside);
    const direct = (r: StateResource): string[] => [...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()];
    const inherited = (r: StateResource | undefined): string[] => {
        if (!r) {
            return [];
        }
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        return [...direct(r), ...(parent && !parent.custom && parent.parent ? inherited(parent) : [])];
    };
    const result = new Map<string, string[]>();
    for (const r of resources.filter((x) => x.custom && !x.urn.includes("::pulumi:providers:"))) {
        result.set(r.urn, [...new Set(inherited(r).flatMap(customInside))].filter((u) => u !== r.urn));
    }
    return result;
}

async function main(): Promise<void> {
    fs.rmSync("/tmp/airgap-e2e", { recursive: true, force: true });
    await prepareE2eSupply(STACK_FILE);
    const cluster = await startCluster({ workers: 1 });
    const sshd = await startSshd({ port: REGISTRY.sshPort });
    const ws = new Workspace("bench", STACK_FILE, { KUBECONFIG: cluster.kubeconfigPath });
    let gitea: GiteaServer | undefined;
    const timings: Record<string, number> = {};
    try {
        await ws.init({ "airgap-platform:sshPrivateKey": sshd.privateKey });
        gitea = await realGiteaFor(ws);
        const config = ["--config-file", ws.configFile];
        const events = path.join(ws.dir, "up-events.jsonl");
        timings.preview = (await ws.mustPulumi(["preview", ...POLICY, ...config])).seconds;
        timings.firstUp = (await ws.mustPulumi(["up", "--yes", "--skip-preview", "--event-log", events, ...config])).seconds;
        timings.noOpUp = (await ws.mustPulumi(["up", "--yes", "--skip-preview", "--expect-no-changes", ...config])).seconds;

        const state = JSON.parse((await ws.mustPulumi(["stack", "export"])).stdout);
        const dependencies = customDependencies(state.deployment.resources);
        timings.destroy = (await ws.mustPulumi(["destroy", "--yes", ...config])).seconds;

        const steps = stepTimes(readEventLog(events));
        for (const urn of [...steps.keys()].filter((u) => !dependencies.has(u))) {
            steps.delete(urn);
        }
        const path_ = criticalPath(steps, dependencies);
        console.log("phase          wall (s)");
        for (const [phase, seconds] of Object.entries(timings)) {
            console.log(`${phase.padEnd(14)} ${seconds.toFixed(1).padStart(8)}`);
        }
        console.log(`\ncritical path of the first up: ${path_.seconds} s (event-log timestamps are whole seconds), ${path_.chain.length} steps:`);
        for (const urn of path_.chain) {
            console.log(`  ${urn.split("::").slice(-2).join("::")}`);
        }
        console.log(`first up / critical path: ${(timings.firstUp / Math.max(path_.seconds, 1)).toFixed(2)} (aim: at most 1.2)`);
    } finally {
        await ws.pulumi(["destroy", "--yes", "--config-file", ws.configFile]);
        ws.remove();
        await gitea?.stop();
        await sshd.stop();
        await cluster.stop();
    }
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
