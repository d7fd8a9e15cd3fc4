// Copyright 2026, airgap-platform authors.
//
// The lumen app's e2e stack (apps/lumen/Pulumi.canary-e2e.yaml), which test/e2e/canary.e2e.ts renders and
// deploys: a valid config of the same program, whose Prometheus address only its own pack config allows.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { validateAppConfig } from "../../apps/lumen/config";
import { evaluatePulumiResources } from "../../policy/engine";
import { APP_DIR, appConfigMap, PROGRAM } from "./helpers/lumen";
import { runProgram } from "../helpers/program-harness";

const E2E_STACK_FILE = path.join(APP_DIR, "Pulumi.canary-e2e.yaml");
const packConfig = (file: string) => JSON.parse(fs.readFileSync(path.join(APP_DIR, file), "utf8"));

describe("lumen app e2e stack (canary-e2e)", () => {
    it("is a valid config: short analysis, five replicas, the test's Prometheus", () => {
        const { config, problems } = validateAppConfig(appConfigMap(E2E_STACK_FILE));
        assert.deepStrictEqual(problems, []);
        const a = config!.app.analysis;
        assert.deepStrictEqual([a.interval, a.count, a.failureLimit, a.noData, a.window], ["4s", 4, 1, "pass", "4s"]);
        assert.strictEqual(config!.app.replicas, 5);
        assert.strictEqual(config!.app.serviceMonitor.interval, "1s");
        assert.strictEqual(config!.app.prometheusUrl, "http://prometheus.canary-e2e.svc.cluster.local:9090");
    });

    it("passes the pack with policy-config.canary-e2e.json, which allows its Prometheus for this stack only", async () => {
        const run = await runProgram(PROGRAM, { config: appConfigMap(E2E_STACK_FILE), project: "lumen-app", stack: "canary-e2e" });
        assert.ifError(run.error);
        const own = evaluatePulumiResources(run.resources, packConfig("policy-config.canary-e2e.json"));
        assert.deepStrictEqual(own.map((f) => `${f.rule}: ${f.message}`), []);
        // With the platform stack's config the address is refused: it is not the platform's Prometheus.
        const platform = evaluatePulumiResources(run.resources, packConfig("policy-config.json"));
        assert.deepStrictEqual(platform.map((f) => f.rule), ["analysistemplate-enforce-prometheus-address"]);
        assert.match(platform[0].message, /use the platform's Prometheus/);
    });
});
