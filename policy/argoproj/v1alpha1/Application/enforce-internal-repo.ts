// Copyright 2026, airgap-platform authors.

import { APP_PROJECT, APPLICATION, sourcesOf } from "../../../lib/argo-cd";
import { DEFAULT_REPO_PREFIXES } from "../../../lib/config";
import { defineRule } from "../../../lib/rule";
import { arr, isBlank, isUnknown, rec, show } from "../../../lib/values";

interface Config {
    allowedRepoPrefixes: string[];
}

/** True when a repository URL starts with one of the allowed prefixes (case-insensitive). */
export function isAllowedRepo(url: string, prefixes: readonly string[]): boolean {
    const u = url.trim().toLowerCase();
    return prefixes.some((p) => p !== "" && u.startsWith(p.toLowerCase()));
}

/**
 * Argo CD only pulls from internal repositories: the platform is air-gapped, so an external repoURL
 * never syncs (and one that does means the gap is not closed). An AppProject's sourceRepos is held to
 * the same prefixes, so that a project cannot reopen what the Application rule closes.
 */
export const applicationEnforceInternalRepo = defineRule<Config>({
    name: "application-enforce-internal-repo",
    description: "Requires every Argo CD Application source repoURL, and every AppProject sourceRepos entry, to start with one of the allowed internal prefixes (Gitea through its NodePort or in-cluster Service, or the node registry for OCI charts). The platform is air-gapped: an external repository never syncs.",
    configSchema: {
        properties: {
            allowedRepoPrefixes: {
                type: "array",
                items: { type: "string" },
                default: [...DEFAULT_REPO_PREFIXES],
                description: "URL prefixes of the internal Git and chart repositories.",
            },
        },
    },
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Mirror the repository or chart into the internal Gitea or registry (one of the rule's allowedRepoPrefixes) and point repoURL there.",
    scope: "resource",
    kinds: [APPLICATION, APP_PROJECT],
    check(entry, ctx, report) {
        const prefixes = ctx.config.allowedRepoPrefixes;
        const allowed = prefixes.join(", ");
        if (entry.gk === APP_PROJECT) {
            arr(rec(entry.object.spec).sourceRepos).forEach((repo, i) => {
                if (typeof repo === "string" && !isAllowedRepo(repo, prefixes)) {
                    report(`spec.sourceRepos[${i}] is "${repo}", which ${repo.includes("*") && !repo.includes("/") ? "allows any repository" : "is not an internal repository"}; list only URLs under ${allowed}.`);
                }
            });
            return;
        }
        for (const { source, path } of sourcesOf(entry)) {
            const url = source.repoURL;
            if (isUnknown(url)) {
                continue;
            }
            if (isBlank(url) || typeof url !== "string") {
                report(`${path}.repoURL is ${show(url)}; set it to an internal repository under ${allowed}.`);
            } else if (!isAllowedRepo(url, prefixes)) {
                report(`${path}.repoURL is "${url}", which is not an internal repository; the platform is air-gapped, so mirror it and use a URL under ${allowed}.`);
            }
        }
    },
});
