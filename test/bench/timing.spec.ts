// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { chainWaits, criticalPath, customDependencies, eventStamper, maxConcurrent, phases, stepTimes, TimedCommand } from "../e2e/support/timing";

const urn = (type: string, name: string) => `urn:pulumi:s::airgap-platform::${type}::${name}`;
const STACK = urn("pulumi:pulumi:Stack", "airgap-platform-s");
const PROVIDER = urn("pulumi:providers:kubernetes", "cluster");
const A = urn("airgap:index:C$kubernetes:core/v1:Namespace", "a");
const B = urn("airgap:index:C$kubernetes:apps/v1:Deployment", "b");
const C = urn("kubernetes:core/v1:ConfigMap", "c");

const pre = (u: string) => JSON.stringify({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { op: "create", urn: u, type: "" } } });
const done = (u: string) => JSON.stringify({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: { op: "create", urn: u, type: "" } } });

/** A command whose event lines arrive at the given milliseconds after its start (at 0). */
function command(lines: [number, string][], seconds: number): TimedCommand {
    let now = 0;
    const stamper = eventStamper(() => now);
    for (const [at, line] of lines) {
        now = at;
        stamper.feed(`${line}\n`);
    }
    return { seconds, startedAt: 0, events: stamper.events };
}

describe("bench timing from the engine's event stream (test/e2e/support/timing.ts)", () => {
    it("stamps each event when its line is complete, across chunks", () => {
        let now = 0;
        const stamper = eventStamper(() => now);
        const line = pre(A);
        stamper.feed(line.slice(0, 10));
        now = 500;
        stamper.feed(`${line.slice(10)}\n{"sequence":1,"timestamp":0,"preludeEvent":{}}\n`);
        assert.deepStrictEqual(stamper.events.map((e) => e.at), [500, 500]);
        assert.strictEqual(stamper.events[0].event.resourcePreEvent?.metadata.urn, A);
    });

    it("steps last from their pre event to their outputs, in sub-second seconds since the start", () => {
        const steps = stepTimes(command([[100, pre(A)], [350, done(A)]], 1));
        assert.deepStrictEqual(steps.get(A), { urn: A, op: "create", start: 0.1, end: 0.35 });
    });

    it("the critical path is the heaviest chain of dependencies, not the longest step count", () => {
        const steps = stepTimes(command([[0, pre(A)], [1000, done(A)], [1000, pre(B)], [1500, done(B)], [0, pre(C)], [3000, done(C)]], 3.5));
        const path = criticalPath(steps, new Map([[A, []], [B, [A]], [C, []]]));
        assert.deepStrictEqual(path.chain, [C]);
        assert.strictEqual(path.seconds, 3);
        const chained = criticalPath(steps, new Map([[A, []], [B, [A]], [C, [B]]]));
        assert.deepStrictEqual(chained.chain, [A, B, C]);
        assert.strictEqual(chained.seconds, 4.5);
    });

    it("puts the time outside a chain's steps before, between and after them", () => {
        const run = command([[0, pre(A)], [1000, done(A)], [1250, pre(B)], [1500, done(B)], [400, pre(C)], [3000, done(C)]], 3.5);
        const steps = stepTimes(run);
        const waits = chainWaits(run, steps, [A, B]);
        assert.strictEqual(waits.beforeFirst, 0);
        assert.deepStrictEqual(waits.between, [{ urn: B, seconds: 0.25 }]);
        assert.strictEqual(waits.afterLast, 2);
        const late = chainWaits(run, steps, [C]);
        assert.deepStrictEqual([late.beforeFirst, late.between, late.afterLast], [0.4, [], 0.5]);
    });

    it("a custom resource waits for what its component waits for, and a component stands for its custom resources", () => {
        const component = urn("airgap:index:C", "c1");
        const other = urn("airgap:index:D", "d1");
        const deps = customDependencies([
            { urn: STACK, custom: false },
            { urn: component, custom: false, parent: STACK, dependencies: [other] },
            { urn: other, custom: false, parent: STACK },
            { urn: A, custom: true, parent: component },
            { urn: C, custom: true, parent: other },
            { urn: PROVIDER, custom: true },
        ]);
        assert.deepStrictEqual(deps.get(A), [C]);
        assert.deepStrictEqual(deps.get(C), []);
        assert.ok(!deps.has(PROVIDER), "providers are not steps of the path");
    });

    it("splits a command into CLI start, runtime start, program load, steps and finish", () => {
        const p = phases(command([
            [500, JSON.stringify({ sequence: 0, timestamp: 0, preludeEvent: {} })],
            [1500, pre(STACK)],
            [2500, pre(PROVIDER)], [3000, done(PROVIDER)],
            [3000, pre(A)], [4000, done(A)],
            [4200, done(STACK)],
        ], 5));
        assert.deepStrictEqual(p, { cliStart: 0.5, runtimeStart: 1, programLoad: 1, steps: 1.5, finish: 1 });
    });

    it("a destroy runs no program: no runtime start, its stack step (a delete, last) is not where the steps begin", () => {
        const stackDelete = JSON.stringify({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { op: "delete", urn: STACK, type: "" } } });
        const p = phases(command([
            [500, JSON.stringify({ sequence: 0, timestamp: 0, preludeEvent: {} })],
            [1000, pre(A)], [2000, done(A)],
            [2000, stackDelete], [2100, done(STACK)],
        ], 3));
        assert.deepStrictEqual(p, { cliStart: 0.5, runtimeStart: 0, programLoad: 0.5, steps: 1, finish: 1 });
    });

    it("counts the steps that overlap in time", () => {
        const step = (start: number, end: number) => ({ urn: "", op: "create", start, end });
        assert.strictEqual(maxConcurrent([step(0, 1), step(0.5, 2), step(1, 3)]), 2);
        assert.strictEqual(maxConcurrent([step(0, 1), step(1, 2)]), 1);
        assert.strictEqual(maxConcurrent([]), 0);
    });
});
