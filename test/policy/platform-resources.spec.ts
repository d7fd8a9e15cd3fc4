// Copyright 2026, airgap-platform authors.
//
// The platform program's own resources, as its mocks register them, pass every mandatory rule: the dev
// stack with the default policy config, the local end-to-end stack with policy-config.local.json
// (its registry is 127.0.0.1:15000).

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluatePulumiResources, Finding, PolicyConfigFile } from "../../policy/engine";
import { runPlatform, stackConfig, TEST_SSH_KEY } from "../helpers/program-harness";

async function platformFindings(stackFile: string, config?: PolicyConfigFile): Promise<Finding[]> {
    const run = await runPlatform({ ...stackConfig(stackFile), "airgap-platform:sshPrivateKey": TEST_SSH_KEY }, ["airgap-platform:sshPrivateKey"]);
    assert.ifError(run.error);
    return evaluatePulumiResources(run.resources.map((r) => ({
        type: r.type, name: r.name, urn: r.urn, props: r.inputs, parent: r.parent, dependencies: r.dependencies,
    })), config);
}

const lines = (findings: Finding[]) => findings.map((f) => `${f.level} ${f.rule} ${f.kind}/${f.name}: ${f.message}`);

describe("platform program under the policy pack", () => {
    it("passes every rule on the dev stack", async () => {
        const findings = await platformFindings("Pulumi.dev.yaml");
        assert.deepStrictEqual(lines(findings), []);
    });

    it("passes every mandatory rule on the local stack with policy-config.local.json", async () => {
        const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policy", "policy-config.local.json"), "utf8"));
        const findings = await platformFindings("Pulumi.local.yaml", config);
        assert.deepStrictEqual(lines(findings.filter((f) => f.level === "mandatory")), []);
    });
});
