// Copyright 2026, airgap-platform authors.
//
// The rule for a release tag, in one place: the stack config checks imageTag with it, and release.sh runs this
// file to refuse a bad tag before it touches anything. It loads nothing but zod, so the check is quick.
//
// Usage: ts-node release-tag.ts TAG   (release.sh calls it): exit 0, or 1 with the reason on stderr.

import { z } from "zod";

/**
 * A release tag: an exact version (v1.5.4, 1.5.4, v1.6.0-rc.1) or a commit SHA of 7 to 40 hex digits, the
 * two tags CI pushes. `latest` or any other moving tag is refused.
 */
export const RELEASE_TAG = /^(v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?|[0-9a-f]{7,40})$/;

/** The release being deployed (the stack's imageTag); `npm run release -- <tag>` sets it. */
export const releaseTag = z.string({ error: "is required: the release tag to deploy, e.g. v1.5.4 (set by npm run release -- v1.5.4)" })
    .regex(RELEASE_TAG, "must be a release version such as v1.5.4 or a commit SHA (7 to 40 hex digits), the tags CI pushes; a moving tag such as latest makes a rollback pull whatever was pushed last");

if (require.main === module) {
    const result = releaseTag.safeParse(process.argv[2]);
    if (!result.success) {
        process.stderr.write(`${result.error.issues.map((issue) => issue.message).join("; ")}\n`);
        process.exit(1);
    }
}
