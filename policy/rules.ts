// Copyright 2026, airgap-platform authors.
//
// Every rule of the pack, gathered once from the rule folders' index.ts files, so that a rule file
// exported from its folder ships without being listed a second time. The CrossGuard pack (policies.ts)
// and the engine (engine.ts) both take their rules from here; test/policy/pack.spec.ts walks the
// folders and fails when a rule file is not part of this list.

import * as argoproj from "./argoproj";
import * as autoscaling from "./autoscaling";
import { Rule, rulesOf } from "./lib/rule";
import * as stack from "./stack";
import * as workloads from "./workloads";

/**
 * What a rule name starts with, in the order the README lists the rules: Rollout, AnalysisTemplate
 * (and ClusterAnalysisTemplate), workloads, HorizontalPodAutoscaler, Argo CD Application, stack.
 */
export const RULE_SUBJECTS: readonly string[] = ["rollout", "analysistemplate", "workload", "horizontalpodautoscaler", "application", "stack"];

function subjectRank(rule: Rule<any>): number {
    const rank = RULE_SUBJECTS.indexOf(rule.name.split("-")[0]);
    if (rank < 0) {
        throw new Error(`policy rule "${rule.name}": its name must start with one of ${RULE_SUBJECTS.map((s) => `"${s}-"`).join(", ")}`);
    }
    return rank;
}

/** Rules by subject, then in the export order of their folder's index.ts (the sort is stable). */
export const rules: ReadonlyArray<Rule<any>> = [argoproj, autoscaling, stack, workloads]
    .flatMap(rulesOf)
    .map((rule) => ({ rule, rank: subjectRank(rule) }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ rule }) => rule);
