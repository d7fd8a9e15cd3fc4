// Copyright 2026, airgap-platform authors.
//
// Manifests in Git can have any shape, and preview values can be unknown: the rules must report, never
// throw. Replaces random fields of compliant objects with odd values (null, scalars, lists, unknown,
// placeholders) and runs the whole pack, on both paths, with a fixed seed.

import * as assert from "assert";
import { evaluateManifests, evaluatePulumiResources } from "../../policy/engine";
import { UNKNOWN } from "../../policy/lib/values";
import * as fx from "./fixtures";

function random(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state * 1103515245 + 12345) & 0x7fffffff;
        return state / 0x7fffffff;
    };
}

const ODD: unknown[] = [null, "x", 7, -1, [], {}, [1, "a"], true, UNKNOWN, "{{args.x}}", { a: null }];

function paths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
    out.push(prefix);
    if (typeof value === "object" && value !== null) {
        for (const key of Object.keys(value)) {
            paths((value as Record<string, unknown>)[key], [...prefix, key], out);
        }
    }
    return out;
}

describe("rules on malformed objects", () => {
    it("report findings and never throw (400 random mutations)", () => {
        const next = random(20260501);
        for (let i = 0; i < 400; i++) {
            const objects: any[] = [...fx.lumenApp(), fx.argoRolloutsApplication(), fx.lumenApplication(), fx.appProject(), fx.hpa(), fx.deployment(), fx.cronJob(), ...fx.blueGreen(), fx.chartApplication(), fx.clusterAnalysisTemplate("shared")];
            const target = objects[Math.floor(next() * objects.length)];
            const changes = 1 + Math.floor(next() * 3);
            for (let k = 0; k < changes; k++) {
                const candidates = paths(target).filter((p) => p.length > 0);
                const path = candidates[Math.floor(next() * candidates.length)];
                let parent = target;
                for (const key of path.slice(0, -1)) {
                    parent = parent[key];
                }
                const odd = ODD[Math.floor(next() * ODD.length)];
                parent[path[path.length - 1]] = typeof odd === "object" && odd !== null ? JSON.parse(JSON.stringify(odd)) : odd;
            }
            const snapshot = JSON.stringify(target, (_k, v) => (typeof v === "symbol" ? "<unknown>" : v));
            assert.doesNotThrow(() => evaluateManifests(objects.map((object) => ({ object, file: "f.yaml" }))), snapshot);
            assert.doesNotThrow(() => evaluatePulumiResources(objects.map((o, j) => ({
                type: `kubernetes:${typeof o.apiVersion === "string" && o.apiVersion.includes("/") ? o.apiVersion : "core/v1"}:${typeof o.kind === "string" ? o.kind : "Unknown"}`,
                urn: `urn:${j}`,
                name: `r${j}`,
                props: o,
            }))), snapshot);
        }
    });
});
