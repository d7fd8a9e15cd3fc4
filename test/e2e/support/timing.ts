// Copyright 2026, airgap-platform authors.
//
// Timing of one pulumi command from its `--json` event stream. The engine stamps events in whole seconds
// (pkg/backend/display: stampEvents uses time.Now().Unix()), too coarse for steps of a fraction of a second,
// so each event is stamped here, in milliseconds, when its line arrives on the command's stdout.

import { EngineEvent, Workspace } from "./pulumi";

/** An engine event with the time its line arrived (ms, Date.now()). */
export interface StampedEvent {
    at: number;
    event: EngineEvent;
}

export interface Step {
    urn: string;
    op: string;
    /** Seconds since the command was started. */
    start: number;
    end: number;
}

/** A command's wall time and events, stamped on arrival. */
export interface TimedCommand {
    seconds: number;
    startedAt: number;
    events: StampedEvent[];
}

/** Splits a stream of chunks into JSON lines and stamps each event as it is complete. */
export function eventStamper(now: () => number = Date.now): { feed: (chunk: string) => void; events: StampedEvent[] } {
    const events: StampedEvent[] = [];
    let pending = "";
    const feed = (chunk: string): void => {
        const at = now();
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines.map((l) => l.trim()).filter((l) => l.startsWith("{"))) {
            events.push({ at, event: JSON.parse(line) as EngineEvent });
        }
    };
    return { feed, events };
}

/**
 * Runs `pulumi ARGS --json` for the workspace's stack, failing on a non-zero exit, with every event stamped. The workspace
 * must set PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true: otherwise a preview (also the one before a destroy) prints one JSON
 * document at its end instead of a stream of events.
 */
export async function timedPulumi(ws: Workspace, args: string[]): Promise<TimedCommand> {
    if (ws.env.PULUMI_ENABLE_STREAMING_JSON_PREVIEW !== "true") {
        throw new Error("timedPulumi needs a Workspace made with PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true");
    }
    const stamper = eventStamper();
    const startedAt = Date.now();
    await ws.mustPulumi([...args, "--json"], { onStdout: stamper.feed });
    return { seconds: (Date.now() - startedAt) / 1000, startedAt, events: stamper.events };
}

/** Start and end (seconds since the command started, from arrival stamps) of every resource step. */
export function stepTimes(command: TimedCommand): Map<string, Step> {
    const steps = new Map<string, Step>();
    const since = (at: number): number => (at - command.startedAt) / 1000;
    for (const { at, event } of command.events) {
        const pre = event.resourcePreEvent?.metadata;
        const done = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
        if (pre && !steps.has(pre.urn)) {
            steps.set(pre.urn, { urn: pre.urn, op: pre.op, start: since(at), end: since(at) });
        }
        const step = done && steps.get(done.urn);
        if (step) {
            step.end = since(at);
        }
    }
    return steps;
}

/** Where the time of a command went, in seconds, between the events that bound each part. */
export interface Phases {
    /** Command start to the prelude event: CLI start, backend, state read. */
    cliStart: number;
    /** Prelude to the stack's step: language host, Node.js and the Pulumi SDK starting. */
    runtimeStart: number;
    /** The stack's step to the first other step: loading and evaluating the program up to its first resource. */
    programLoad: number;
    /** The first to the last step's end. */
    steps: number;
    /** The last step's end (or the prelude when there is none) to the command's exit: state written, summary. */
    finish: number;
}

const isStack = (urn: string): boolean => urn.includes("::pulumi:pulumi:Stack::");
const isProvider = (urn: string): boolean => urn.includes("::pulumi:providers:");

export function phases(command: TimedCommand): Phases {
    const since = (at: number): number => (at - command.startedAt) / 1000;
    const preludeAt = command.events.find((e) => e.event.preludeEvent !== undefined);
    const prelude = preludeAt ? since(preludeAt.at) : 0;
    const steps = [...stepTimes(command).values()];
    // A destroy runs no program: its stack step is a delete, at the end.
    const stack = steps.find((s) => isStack(s.urn) && s.op !== "delete");
    const others = steps.filter((s) => !isStack(s.urn));
    const firstOther = others.length ? Math.min(...others.map((s) => s.start)) : stack?.start ?? prelude;
    const lastEnd = others.length ? Math.max(...others.map((s) => s.end)) : firstOther;
    return {
        cliStart: prelude,
        runtimeStart: (stack?.start ?? prelude) - prelude,
        programLoad: firstOther - (stack?.start ?? prelude),
        steps: lastEnd - firstOther,
        finish: command.seconds - lastEnd,
    };
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

/** Where a command's time along a chain of steps was not in any of them. */
export interface ChainWaits {
    /** From the command's start to the chain's first step. */
    beforeFirst: number;
    /** Before each later step of the chain: from the end of the one it waited for to its own start. */
    between: { urn: string; seconds: number }[];
    /** From the chain's last step to the command's exit. */
    afterLast: number;
}

/** The time of a command outside the steps of `chain` (criticalPath's), where it went between them. */
export function chainWaits(command: TimedCommand, steps: Map<string, Step>, chain: string[]): ChainWaits {
    const timed = chain.map((urn) => steps.get(urn)).filter((s): s is Step => s !== undefined);
    if (timed.length === 0) {
        return { beforeFirst: command.seconds, between: [], afterLast: 0 };
    }
    return {
        beforeFirst: timed[0].start,
        between: timed.slice(1).map((s, i) => ({ urn: s.urn, seconds: s.start - timed[i].end })),
        afterLast: command.seconds - timed[timed.length - 1].end,
    };
}

export interface StateResource {
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
    for (const r of resources.filter((x) => x.custom && !isProvider(x.urn))) {
        result.set(r.urn, [...new Set(inherited(r).flatMap(customInside))].filter((u) => u !== r.urn));
    }
    return result;
}

/** The largest number of the given steps that ran at the same moment. */
export function maxConcurrent(steps: Step[]): number {
    const edges = steps.flatMap((s) => [{ at: s.start, delta: 1 }, { at: s.end, delta: -1 }])
        .sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let most = 0;
    for (const e of edges) {
        running += e.delta;
        most = Math.max(most, running);
    }
    return most;
}

/** The slowest steps of custom resources (`custom`: customDependencies' keys; components and providers span their children). */
export function slowestSteps(command: TimedCommand, custom: Map<string, string[]>, count: number): Step[] {
    return [...stepTimes(command).values()].filter((s) => custom.has(s.urn))
        .sort((a, b) => (b.end - b.start) - (a.end - a.start)).slice(0, count);
}

/** The last two parts of a URN (type and name), for printing. */
export function shortUrn(urn: string): string {
    return urn.split("::").slice(-2).join("::");
}

export function printPhases(label: string, command: TimedCommand): void {
    const p = phases(command);
    console.log(`${label.padEnd(12)} ${command.seconds.toFixed(2).padStart(7)} s = CLI start ${p.cliStart.toFixed(2)}`
        + ` + runtime start ${p.runtimeStart.toFixed(2)} + program load ${p.programLoad.toFixed(2)}`
        + ` + steps ${p.steps.toFixed(2)} + finish ${p.finish.toFixed(2)}`);
}
