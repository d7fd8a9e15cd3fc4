// Copyright 2026, airgap-platform authors.
//
// The pull request's preview comment on Gitea, through its REST API (routes of Gitea 1.26.0,
// routers/api/v1/api.go): GET /repos/{owner}/{repo}/issues/{index}/comments lists every comment of the pull
// request (no paging), POST on the same path creates one, PATCH /repos/{owner}/{repo}/issues/comments/{id}
// edits one. The comment carrying COMMENT_MARKER is created once and edited afterwards.
//
// Requests go through providers/gitea.ts (timeouts, retries with backoff on 5xx and connection failures,
// errors naming the status and what to do); the token travels as the basic-auth password, which Gitea takes
// as an access token (services/auth/basic.go). A create that failed with a 5xx may still have been stored, so
// it is never blindly sent again: the comments are listed again first.

import { DEFAULT_POLICY, GiteaError, PlainApi, RequestPolicy, giteaRequest, seg } from "../../providers/gitea";
import { COMMENT_MARKER } from "./preview-comment";

export interface PullRequestRef {
    /** Gitea's base URL (http://host:port). */
    url: string;
    owner: string;
    repo: string;
    /** The pull request's number (its issue index). */
    index: number;
    /** CI_TOKEN: needs the write:issue scope and a user with write access to the repository. */
    token: string;
}

export interface UpsertResult {
    action: "created" | "edited" | "unchanged";
    id: number;
}

function hints(pr: PullRequestRef): Record<number, string> {
    const repo = `${pr.owner}/${pr.repo}`;
    return {
        0: `Gitea is not reachable at ${pr.url} from this job: check GITEA_URL in the workflow and the runner's network`,
        401: "Gitea did not accept CI_TOKEN: set the repository's Actions secret CI_TOKEN to a current access token (scopes write:issue and read:repository)",
        403: `CI_TOKEN may not comment here: its token needs the write:issue scope and its user write access to ${repo}`,
        404: `${repo} or its pull request #${pr.index} does not exist, or CI_TOKEN's user cannot see the repository (Gitea answers 404 for a private repository it may not read): check the repository, the pull request number and the token's user`,
        422: "Gitea refused the comment body (see Gitea's message)",
        500: "Gitea failed on its side: read Gitea's log, then re-run the job",
        502: "a proxy in front of Gitea failed: re-run the job once Gitea answers",
        503: "Gitea is unavailable: re-run the job once it answers",
        504: "Gitea did not answer in time: re-run the job",
    };
}

/** Creates the preview comment or edits the one that carries the marker; one comment per pull request. */
export async function upsertPreviewComment(pr: PullRequestRef, body: string, policy: RequestPolicy = DEFAULT_POLICY): Promise<UpsertResult> {
    if (!body.startsWith(COMMENT_MARKER)) {
        throw new Error("the comment body must start with the preview marker (it is how later pushes find the comment)");
    }
    const api: PlainApi = { url: pr.url, username: "CI_TOKEN", password: pr.token };
    const what = `preview comment on ${pr.owner}/${pr.repo}#${pr.index}`;
    const issue = `/repos/${seg(pr.owner)}/${seg(pr.repo)}/issues`;
    const opts = { hints: hints(pr), policy };
    for (let attempt = 1; ; attempt++) {
        const listed = await giteaRequest(api, what, "GET", `${issue}/${pr.index}/comments`, opts);
        const mine = (listed.body as { id: number; body: string }[]).filter((c) => c.body.startsWith(COMMENT_MARKER)).sort((a, b) => a.id - b.id);
        if (mine.length > 0) {
            if (mine[0].body === body) {
                return { action: "unchanged", id: mine[0].id };
            }
            await giteaRequest(api, what, "PATCH", `${issue}/comments/${mine[0].id}`, { ...opts, body: { body } });
            return { action: "edited", id: mine[0].id };
        }
        try {
            const created = await giteaRequest(api, what, "POST", `${issue}/${pr.index}/comments`, { ...opts, body: { body } });
            return { action: "created", id: (created.body as { id: number }).id };
        } catch (e) {
            const status = (e as GiteaError).status;
            // 5xx or no answer: the comment may exist now; list again (after a pause) rather than post a second one.
            if (!(status === 0 || status >= 500) || attempt >= policy.attempts) {
                throw e;
            }
            await new Promise((resolve) => setTimeout(resolve, policy.firstBackoffMs * 2 ** (attempt - 1)));
        }
    }
}
