// Copyright 2026, airgap-platform authors.

import { conditionsOf, metricsOf, providersOf, TEMPLATE_KINDS } from "../../../lib/argo-rollouts";
import { parseCondition, unknownNames } from "../../../lib/expr";
import { defineRule } from "../../../lib/rule";
import { isUnknown, show } from "../../../lib/values";

/**
 * successCondition and failureCondition parse as expr expressions and only use names the controller
 * defines. A condition that does not compile makes every measurement an Error; five in a row make
 * the run Error and the Rollout aborts. A metric with neither condition is not Inconclusive, as the
 * docs say: utils/evaluate/evaluate.go returns Successful for every measurement.
 */
export const analysisTemplateEnforceConditionSyntax = defineRule({
    name: "analysistemplate-enforce-condition-syntax",
    description: "Requires successCondition and failureCondition to parse as expr expressions using only the names the controller defines (result, asInt, asFloat, isNaN, isInf, isNil, default) and expr builtins, and every non-job metric to set at least one of them. A condition that does not compile turns every measurement into an Error, and a metric without conditions counts every measurement as Successful.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Fix the expression at the column given in the message, or add a successCondition such as \"len(result) == 0 || result[0] >= 0.95\".",
    scope: "resource",
    kinds: [...TEMPLATE_KINDS],
    check(entry, _ctx, report) {
        for (const { metric, path, name } of metricsOf(entry)) {
            const conditions = conditionsOf(metric);
            const providers = providersOf(metric);
            if (conditions.length === 0 && !isUnknown(metric.provider) && providers.length > 0 && !providers.includes("job")) {
                report(`${path} (metric "${name}") has neither successCondition nor failureCondition, so the controller counts every measurement as Successful and the analysis cannot fail; add a successCondition.`);
            }
            for (const { field, value } of conditions) {
                if (isUnknown(value)) {
                    continue;
                }
                if (typeof value !== "string") {
                    report(`${path}.${field} (metric "${name}") is ${show(value)}, not an expression string.`);
                    continue;
                }
                const parsed = parseCondition(value);
                if (!parsed.ok) {
                    report(`${path}.${field} (metric "${name}") does not parse: ${parsed.error}; every measurement would end in Error and the Rollout would abort.`);
                    continue;
                }
                const unknown = unknownNames(parsed.ast);
                if (unknown.length > 0) {
                    report(`${path}.${field} (metric "${name}") uses ${unknown.map((u) => `"${u}"`).join(", ")}, which the controller does not define (it defines result, asInt, asFloat, isNaN, isInf, isNil, default and expr builtins); the condition would not compile.`);
                }
            }
        }
    },
});
