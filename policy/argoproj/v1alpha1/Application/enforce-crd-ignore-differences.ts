// Copyright 2026, airgap-platform authors.

import { APP_DETECTION_SCHEMA, AppDetectionConfig, APPLICATION, hasSyncOption, installerInfo } from "../../../lib/argo-cd";
import { defineRule } from "../../../lib/rule";
import { arr, rec, str } from "../../../lib/values";

interface Config extends AppDetectionConfig {
    crdCharts: string[];
}

const POINTERS = ["/spec/preserveUnknownFields", "/status"] as const;
const JQ_EQUIVALENT: Record<string, string> = { "/spec/preserveUnknownFields": ".spec.preserveUnknownFields", "/status": ".status" };

/**
 * An Application that installs CRDs ignores the fields the API server fills in on them
 * (/spec/preserveUnknownFields, /status) and syncs with RespectIgnoreDifferences=true. Without the
 * ignore rule the Application stays OutOfSync forever; without the sync option a sync still writes
 * the ignored fields back (RespectIgnoreDifferences is an Application-level sync option, Argo CD 2.3+).
 */
export const applicationEnforceCrdIgnoreDifferences = defineRule<Config>({
    name: "application-enforce-crd-ignore-differences",
    description: "Requires an Argo CD Application that installs CustomResourceDefinitions to ignore /spec/preserveUnknownFields and /status on them and to sync with RespectIgnoreDifferences=true. The API server fills those fields in, so without this the Application stays OutOfSync and every sync rewrites them.",
    configSchema: {
        properties: {
            ...APP_DETECTION_SCHEMA,
            crdCharts: {
                type: "array",
                items: { type: "string" },
                default: ["kube-prometheus-stack", "cert-manager"],
                description: "Other charts known to install CRDs (besides those in crdInstallerCharts).",
            },
        },
    },
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Add an ignoreDifferences entry for group apiextensions.k8s.io, kind CustomResourceDefinition, jsonPointers /spec/preserveUnknownFields and /status, and RespectIgnoreDifferences=true to spec.syncPolicy.syncOptions.",
    scope: "set",
    kinds: [APPLICATION],
    check(entry, ctx, report) {
        const info = installerInfo(entry, ctx.index, ctx.config, ctx.config.crdCharts);
        if (!info.installsCrds) {
            return;
        }
        const covered = new Set<string>();
        for (const item of arr(rec(entry.object.spec).ignoreDifferences)) {
            const rule = rec(item);
            if (str(rule.group) !== "apiextensions.k8s.io" || str(rule.kind) !== "CustomResourceDefinition") {
                continue;
            }
            const pointers = arr(rule.jsonPointers).filter((p): p is string => typeof p === "string");
            const jq = arr(rule.jqPathExpressions).filter((p): p is string => typeof p === "string");
            for (const pointer of POINTERS) {
                if (pointers.includes(pointer) || jq.includes(JQ_EQUIVALENT[pointer])) {
                    covered.add(pointer);
                }
            }
        }
        const missing = POINTERS.filter((p) => !covered.has(p));
        const why = info.reason === undefined ? "" : ` (detected from ${info.reason})`;
        if (missing.length > 0) {
            report(`Application "${entry.name}" installs CustomResourceDefinitions${why} but spec.ignoreDifferences does not ignore ${missing.join(" and ")} on group apiextensions.k8s.io kind CustomResourceDefinition; the API server fills them in and the Application stays OutOfSync.`);
        }
        if (!hasSyncOption(entry, "RespectIgnoreDifferences=true")) {
            report(`Application "${entry.name}" installs CustomResourceDefinitions${why} but spec.syncPolicy.syncOptions lacks RespectIgnoreDifferences=true, so each sync rewrites the ignored CRD fields; add it.`);
        }
    },
});
