// Copyright 2026, airgap-platform authors.
//
// Manifests in Git can have any shape, and preview values can be unknown: the rules must report, never
// throw. Replaces random fields of compliant objects with odd values (null, scalars, lists, unknown,
// placeholders) and runs the whole pack, on both paths, with a fixed seed. The YAML reader gets the
// same treatment on text: corrupted manifests give an error message, never an exception.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { documentsOf, objectsOf, parseDocument, parsePiece } from "../../policy/cli/manifest-reader";
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

describe("manifest reader on corrupted text", () => {
    it("returns values or a one-line error, never throws, and the rules take whatever it returns (500 random corruptions)", () => {
        const next = random(20261130);
        const texts = ["manifests/app/03-lumen-api.yaml", "manifests/app/05-analysis-template.yaml", "manifests/argocd/17-application-argo-rollouts.yaml"]
            .map((f) => fs.readFileSync(path.join(fx.GITOPS_DIR, f), "utf8"));
        const hostile = [":", "{", "}", "[", "]", "&a ", "*a", "<<: ", "<<: *a", "!!binary ", "!x ", "|", ">-", "- ", "? ", "#", "'", "\"", "\t", "\n", "\n---\n", "%YAML 1.1\n", "\u0000", "\ufeff", ".inf", "~", "@", "`"];
        let errors = 0;
        for (let i = 0; i < 500; i++) {
            let text = texts[Math.floor(next() * texts.length)];
            for (let k = 0; k < 1 + Math.floor(next() * 4); k++) {
                const at = Math.floor(next() * text.length);
                const cut = Math.floor(next() * 4);
                text = `${text.slice(0, at)}${hostile[Math.floor(next() * hostile.length)]}${text.slice(at + cut)}`;
            }
            const format = next() < 0.1 ? "json" : "yaml";
            const objects: unknown[] = [];
            for (const document of documentsOf(text, format)) {
                const result = parseDocument(document.text, format);
                if ("error" in result) {
                    errors++;
                    assert.ok(result.error.message.length > 0 && !result.error.message.includes("\n    at "), JSON.stringify(text));
                } else {
                    objects.push(...objectsOf(result.values));
                }
            }
            // The whole file in one call (how the CLI reads it first) gives the same objects.
            const whole = parsePiece(text, format);
            const wholeObjects = "values" in whole ? objectsOf(whole.values) : whole.documents.flatMap((d) => ("values" in d ? objectsOf(d.values) : []));
            assert.deepStrictEqual(wholeObjects, objects, JSON.stringify(text));
            assert.doesNotThrow(() => evaluateManifests(objects.map((object) => ({ object, file: "f.yaml" }))), JSON.stringify(text));
        }
        assert.ok(errors > 50, `only ${errors} corruptions were refused`);
    });
});
