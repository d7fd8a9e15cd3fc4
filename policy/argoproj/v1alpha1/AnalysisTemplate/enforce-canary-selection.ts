// Copyright 2026, airgap-platform authors.

import {
    canaryOf, blueGreenOf, prometheusMetricsOf, prometheusOf, resolveTemplate, ROLLOUT, TEMPLATE_KINDS, TemplateRef,
    templateRefsOfRollout, templateRefsOfTemplate,
} from "../../../lib/argo-rollouts";
import { Entry, ManifestIndex } from "../../../lib/manifest-index";
import { defineRule } from "../../../lib/rule";
import { arr, isUnknown, nonEmpty, rec, str } from "../../../lib/values";

/** How deep nested spec.templates are followed, as elsewhere in the pack. */
const MAX_NESTING = 8;

/** The template a Rollout's reference names, and every template it includes through spec.templates. */
function templatesReached(index: ManifestIndex, rollout: Entry, ref: TemplateRef): Entry[] {
    const name = nonEmpty(ref.templateName);
    const first = name === undefined ? undefined : resolveTemplate(index, rollout.namespace, name, ref.clusterScope);
    const out: Entry[] = [];
    const visit = (template: Entry | undefined, depth: number): void => {
        if (template === undefined || out.includes(template) || depth > MAX_NESTING) {
            return;
        }
        out.push(template);
        for (const nested of templateRefsOfTemplate(template)) {
            const nestedName = nonEmpty(nested.templateName);
            if (nestedName !== undefined) {
                visit(resolveTemplate(index, template.namespace, nestedName, nested.clusterScope), depth + 1);
            }
        }
    };
    visit(first, 0);
    return out;
}

/**
 * For every template, the Rollouts that reach it and through which of their (non-experiment) references,
 * built once per set so the rule stays linear in the number of Rollouts.
 */
function rolloutsByTemplate(index: ManifestIndex): Map<Entry, Array<{ rollout: Entry; refs: TemplateRef[] }>> {
    return index.cached("analysistemplate-enforce-canary-selection:rollouts-by-template", () => {
        const byTemplate = new Map<Entry, Array<{ rollout: Entry; refs: TemplateRef[] }>>();
        for (const rollout of index.ofKind(ROLLOUT)) {
            const reached = new Map<Entry, TemplateRef[]>();
            // Experiments analyse the experiment's own ReplicaSets, not the Rollout's newest one.
            for (const ref of templateRefsOfRollout(rollout).filter((r) => r.usage !== "experiment")) {
                for (const template of templatesReached(index, rollout, ref)) {
                    reached.set(template, [...(reached.get(template) ?? []), ref]);
                }
            }
            for (const [template, refs] of reached) {
                byTemplate.set(template, [...(byTemplate.get(template) ?? []), { rollout, refs }]);
            }
        }
        return byTemplate;
    });
}

/** Names of the args a reference fills with the newest ReplicaSet's pod-template hash. */
function latestHashArgs(ref: TemplateRef): string[] {
    return arr(ref.args)
        .filter((a) => rec(rec(a).valueFrom).podTemplateHashValue === "Latest")
        .map((a) => str(rec(a).name))
        .filter((n): n is string => n !== undefined);
}

/** The Services whose selector the controller narrows to the new pods: canaryService, previewService. */
function newPodServices(rollout: Entry): string[] {
    return [str(canaryOf(rollout)?.canaryService), str(blueGreenOf(rollout)?.previewService)].filter((n): n is string => n !== undefined && n !== "");
}

const usesArg = (query: string, arg: string) => new RegExp(`\\{\\{\\s*args\\.${arg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*\\}\\}`).test(query);
const namesService = (query: string, service: string) => query.includes(`"${service}"`);

/**
 * A Prometheus analysis run by a Rollout judges the revision under analysis by its own pods. A query over
 * every pod of the app mixes stable and canary traffic: at 20% weight a canary answering only errors moves
 * the ratio to about 80%, which a 0.95 threshold catches but a lower one may not, and any weaker fault
 * disappears in the stable traffic. The controller fills an argument with `valueFrom.podTemplateHashValue:
 * Latest` with the hash of the newest ReplicaSet (the canary, or the blue-green preview), which is the
 * `rollouts-pod-template-hash` label of its pods; a ServiceMonitor with that label in podTargetLabels puts
 * it on every series as `rollouts_pod_template_hash`. A query that names the canary or preview Service
 * (whose selector the controller narrows to the new pods) also counts as selecting them.
 */
export const analysisTemplateEnforceCanarySelection = defineRule({
    name: "analysistemplate-enforce-canary-selection",
    description: "Advises that a Prometheus analysis run by a Rollout select the pods under analysis: the Rollout passes the newest pod-template hash (valueFrom.podTemplateHashValue: Latest) and the query uses it, or the query names the canary or preview Service. A query over every pod of the app dilutes a failing canary with stable traffic: at 20% weight a canary answering only errors moves the success ratio to about 80%.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Pass args: [{name: canary-hash, valueFrom: {podTemplateHashValue: Latest}}] from each analysis of the Rollout, declare the arg in the template, select rollouts_pod_template_hash=\"{{args.canary-hash}}\" in the query, and copy the pod label rollouts-pod-template-hash onto the series (ServiceMonitor podTargetLabels).",
    scope: "set",
    kinds: [...TEMPLATE_KINDS],
    check(entry, ctx, report) {
        const metrics = prometheusMetricsOf(entry);
        if (metrics.length === 0) {
            return;
        }
        for (const { rollout, refs } of rolloutsByTemplate(ctx.index).get(entry) ?? []) {
            const services = newPodServices(rollout);
            for (const { metric, path, name } of metrics) {
                const query = prometheusOf(metric)?.query;
                if (isUnknown(query) || typeof query !== "string") {
                    continue;
                }
                const unselected = refs.filter((r) => !latestHashArgs(r).some((a) => usesArg(query, a)) && !services.some((s) => namesService(query, s)));
                if (unselected.length === 0) {
                    continue;
                }
                const passed = [...new Set(unselected.flatMap(latestHashArgs))];
                const where = unselected.map((r) => `${r.path.replace(/\.templates\[\d+\]\.templateName$/, "")} (${r.usage})`).join(", ");
                const why = passed.length > 0
                    ? `the Rollout passes the newest pod-template hash as ${passed.map((a) => `args.${a}`).join(", ")}, but the query does not use it`
                    : "the Rollout passes no pod-template hash (valueFrom.podTemplateHashValue: Latest) and the query names neither the canary nor the preview Service";
                report(`${path}.provider.prometheus.query (metric "${name}") does not select the pods under analysis for Rollout ${rollout.namespace || "-"}/${rollout.name} at ${where}: ${why}. The ratio mixes stable and canary traffic, so at 20% weight a canary answering only errors moves it to about 80%. Select rollouts_pod_template_hash="{{args.canary-hash}}" with the arg passed as valueFrom.podTemplateHashValue: Latest.`);
            }
        }
    },
});
