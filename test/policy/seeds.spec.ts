// Copyright 2026, airgap-platform authors.
//
// The hand-run platform's lumen-api Rollout and success-rate AnalysisTemplate ("the seed",
// docs/origins.md), written as the GitOps fixture, pass every mandatory rule. The advisory findings
// they get are the corrections to the seed: failureLimit 3 with count 5 is not "3 consecutive
// failures", and a NaN ratio fails.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluateManifests } from "../../policy/engine";
import { readManifests } from "../../policy/cli/lint-manifests";
import { ManifestInput } from "../../policy/lib/manifest-index";
import * as fx from "./fixtures";
import { assertFinding, assertNoMandatory, lint } from "./helpers";

function readDir(dir: string): ManifestInput[] {
    const out: ManifestInput[] = [];
    for (const name of fs.readdirSync(dir).sort()) {
        const file = path.join(dir, name);
        if (fs.statSync(file).isDirectory()) {
            out.push(...readDir(file));
        } else if (name.endsWith(".yaml")) {
            out.push(...readManifests(fs.readFileSync(file, "utf8"), path.relative(fx.GITOPS_DIR, file)));
        }
    }
    return out;
}

describe("seed manifests", () => {
    it("the lumen-api Rollout, its Services and the success-rate template pass every mandatory rule", () => {
        assertNoMandatory(lint(fx.lumenApp()));
    });

    it("the whole GitOps fixture (Applications, AppProject, app) passes every mandatory rule", () => {
        const objects = readDir(fx.GITOPS_DIR);
        assert.strictEqual(objects.filter((o) => (o.object as { kind?: string }).kind !== undefined).length, 8);
        assertNoMandatory(evaluateManifests(objects));
    });

    it("the template's failureLimit 3 with count 5 is flagged as lenient, not as 3 consecutive failures", () => {
        const findings = lint([fx.analysisTemplate()]);
        const finding = assertFinding(findings, "analysistemplate-disallow-lenient-failure-limit", "3 of 5 measurements can fail and the metric still ends Successful");
        assert.strictEqual(finding.level, "advisory");
    });

    it("the template's NaN case is only advisory", () => {
        const finding = assertFinding(lint([fx.analysisTemplate()]), "analysistemplate-enforce-nan-guard", "an idle canary fails the analysis");
        assert.strictEqual(finding.level, "advisory");
    });
});
