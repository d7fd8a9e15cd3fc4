// Copyright 2026, airgap-platform authors.

import { z } from "zod";
import { giteaUserName, httpUrl } from "../../lib/fields";

const rotation = z.number().int().min(1, "must be a whole number from 1; raise it by one to rotate the token");

/** Settings of {@link GiteaContent}. */
export const giteaContentSchema = z.strictObject({
    /** Where the machine running `pulumi` reaches Gitea's API (base URL); unset, Gitea's NodePort URL. */
    apiUrl: httpUrl("an http(s) URL such as http://192.168.2.2:30300").optional(),
    /** Restricted machine user with read access whose `read:repository` token is in Argo CD's repository Secret. */
    argocdUser: giteaUserName.default("argocd"),
    /**
     * Restricted machine user with write access, the only one allowed to push to main; its `write:repository` token is
     * the repository's `CI_TOKEN` Actions secret.
     */
    ciUser: giteaUserName.default("lumen-ci"),
    /** Raise by one and `up` to rotate Argo CD's token (the new one first, then the old one is deleted). */
    argocdTokenRotation: rotation.default(1),
    /** Raise by one and `up` to rotate `CI_TOKEN`. */
    ciTokenRotation: rotation.default(1),
    /** Commit status contexts a pull request to main must pass (empty until the preview check exists). */
    requiredStatusChecks: z.array(z.string().min(1)).default([]),
    /** Approvals a pull request to main needs. */
    requiredApprovals: z.number().int().min(0).max(10).default(0),
});

export type GiteaContentSettings = z.output<typeof giteaContentSchema>;
