// Copyright 2026, airgap-platform authors.
//
// Gitea's content as Pulumi resources, through its REST API (/api/v1, checked against Gitea 1.26.0's routes
// and structs; docs/gitea.md lists each call). No Gitea provider can be built here and none is kept up for
// this Gitea line, so these are dynamic providers in the Node.js SDK, like the SSH and password ones.
//
// Every resource carries the API URL and a site administrator's credentials (`api`, a secret in the state).
// An object that already exists is adopted when the fields the stack manages match, and refused with the
// differences otherwise; adopted objects are left in place by `destroy`. Requests time out, and only
// connection failures and 5xx answers are retried (a POST only when the connection was refused, i.e. it
// never reached Gitea); a create whose answer was lost is cleaned up before the error is reported.

import { randomBytes } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./dynamic";

/** Where Gitea's API is and the site administrator the stack acts as. */
export interface GiteaApi {
    /** Base URL of Gitea, e.g. http://192.168.2.2:30300 (the API lives under /api/v1). */
    url: pulumi.Input<string>;
    username: pulumi.Input<string>;
    /** A Pulumi secret. */
    password: pulumi.Input<string>;
}

/** {@link GiteaApi} with its values resolved, as the provider receives it. */
export interface PlainApi {
    url: string;
    username: string;
    password: string;
}

/** How long one request may take and how often a failed one is tried. */
export interface RequestPolicy {
    timeoutMs: number;
    attempts: number;
    /** Pause before the second attempt; it doubles for each further one. */
    firstBackoffMs: number;
}

/** 30 s per request; 5 attempts over about 15 s of pauses. */
export const DEFAULT_POLICY: RequestPolicy = { timeoutMs: 30_000, attempts: 5, firstBackoffMs: 1_000 };

/** One answer of Gitea. */
export interface GiteaResponse {
    status: number;
    body: any;
}

/** Options of {@link giteaRequest}. */
export interface RequestOptions {
    body?: unknown;
    /** Non-2xx statuses handed back instead of thrown (404 when probing for an object). */
    allow?: number[];
    /** What to do, by status, in the error message (overrides the generic advice; 0: Gitea not reached). */
    hints?: Record<number, string>;
    /** A POST that can safely be sent twice (it returns what exists); other POSTs are retried only when refused. */
    idempotent?: boolean;
    policy?: RequestPolicy;
}

/** An error of a Gitea call; `status` is 0 when Gitea was not reached. */
export interface GiteaError extends Error {
    status: number;
}

/** `/api/v1` path segment, escaped. */
export function seg(value: string): string {
    return encodeURIComponent(value);
}

/** Gitea's own explanation from an error body: `{message}`, binding errors `[{fieldNames, message}]`, or text. */
export function giteaMessage(body: unknown): string {
    if (typeof body === "string") {
        return body.trim().slice(0, 300);
    }
    if (Array.isArray(body)) {
        return body.map((e: any) => [e?.fieldNames?.join(", "), e?.message ?? e?.classification].filter(Boolean).join(": ")).join("; ");
    }
    const b = body as { message?: unknown; errors?: unknown } | undefined;
    const errors = Array.isArray(b?.errors) && b!.errors.length > 0 ? ` (${b!.errors.join("; ")})` : "";
    return `${typeof b?.message === "string" ? b.message : ""}${errors}`;
}

/** The generic "what to do" for a status, when the caller gave no hint. */
export function adviceFor(status: number, api: PlainApi): string {
    switch (status) {
        case 401:
            return `Gitea did not accept the credentials of '${api.username}': check gitea.adminUsername and that Gitea's admin password is still the `
                + "generated one in the Gitea component's admin Secret (the chart sets it again when the pod restarts)";
        case 403:
            return `'${api.username}' may not do this: the stack must act as a Gitea site administrator (gitea.adminUsername)`;
        case 404:
            return "it does not exist in Gitea: if it was deleted outside the stack, run 'pulumi refresh' and then 'pulumi up' to create it again";
        case 409:
            return "Gitea already holds a conflicting object of that name: remove or rename it in Gitea, or choose another name in the stack's config";
        case 422:
            return "Gitea refused the values: correct the setting that Gitea's message names";
        default:
            if (status >= 300 && status < 400) {
                return "giteaContent.apiUrl must be the URL Gitea serves its API on (its ROOT_URL without a path), not one that redirects";
            }
            return status >= 500
                ? "Gitea failed on its side: read Gitea's log, fix the cause, then run 'pulumi up' again"
                : "correct the request named above (see Gitea's message), then run 'pulumi up' again";
    }
}

function failure(message: string, status: number): GiteaError {
    return Object.assign(new Error(message), { status });
}

/** Why a fetch failed, from its cause (ECONNREFUSED, ENOTFOUND, timeouts). */
function networkCause(e: any): { code: string; refused: boolean } {
    if (e?.name === "TimeoutError" || e?.name === "AbortError") {
        return { code: "no answer before the timeout", refused: false };
    }
    const code = String(e?.cause?.code ?? e?.cause?.message ?? e?.message ?? e);
    return { code, refused: code === "ECONNREFUSED" };
}

/**
 * One call of Gitea's API as the site administrator, with a timeout, bounded retries on 5xx answers and
 * connection failures, and an error message that names `what`, the HTTP status and what to do.
 */
export async function giteaRequest(api: PlainApi, what: string, method: string, path: string, opts: RequestOptions = {}): Promise<GiteaResponse> {
    const policy = opts.policy ?? DEFAULT_POLICY;
    const base = api.url.replace(/\/+$/, "");
    const url = `${base}/api/v1${path}`;
    const retryAnyFailure = method !== "POST" || opts.idempotent === true;
    const authorization = `Basic ${Buffer.from(`${api.username}:${api.password}`).toString("base64")}`;
    let last = "";
    let lastStatus = 0;
    let made = 0;
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
        made = attempt;
        if (attempt > 1) {
            await new Promise((resolve) => setTimeout(resolve, policy.firstBackoffMs * 2 ** (attempt - 2)));
        }
        let res: Response;
        let text: string;
        try {
            res = await fetch(url, {
                method,
                headers: { Authorization: authorization, Accept: "application/json", ...(opts.body === undefined ? {} : { "Content-Type": "application/json" }) },
                body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
                redirect: "manual",
                signal: AbortSignal.timeout(policy.timeoutMs),
            });
            text = await res.text();
        } catch (e) {
            const cause = networkCause(e);
            last = `cannot reach Gitea at ${base} (${cause.code})`;
            lastStatus = 0;
            if (retryAnyFailure || cause.refused) {
                continue;
            }
            break;
        }
        let body: any = text;
        try {
            body = text === "" ? undefined : JSON.parse(text);
        } catch {
            // Not JSON: keep the text for the message.
        }
        if (res.status >= 500) {
            last = `HTTP ${res.status} ${res.statusText}${giteaMessage(body) ? `: ${giteaMessage(body)}` : ""}`;
            lastStatus = res.status;
            if (retryAnyFailure) {
                continue;
            }
            break;
        }
        if ((res.status >= 200 && res.status < 300) || (opts.allow ?? []).includes(res.status)) {
            return { status: res.status, body };
        }
        const detail = res.status >= 300 && res.status < 400 ? `redirected to ${res.headers.get("location")}` : giteaMessage(body);
        throw failure(`${what}: ${method} ${path} failed with HTTP ${res.status} ${res.statusText}${detail ? ` (Gitea: ${detail})` : ""}. `
            + `${opts.hints?.[res.status] ?? adviceFor(res.status, api)}.`, res.status);
    }
    const tries = made === 1 && !retryAnyFailure ? "(not retried: Gitea may have received it)" : `after ${made} attempt${made === 1 ? "" : "s"}`;
    const advice = opts.hints?.[lastStatus] ?? (lastStatus === 0
        ? "check giteaContent.apiUrl (default: Gitea's NodePort URL), that Gitea is running, and that this machine reaches it"
        : adviceFor(lastStatus, api));
    throw failure(`${what}: ${method} ${path} failed ${tries}: ${last}. ${advice}.`, lastStatus);
}

/** The fields of `observed` that differ from `desired`, as readable lines (arrays compare as sets). */
export function mismatches(desired: Record<string, unknown>, observed: Record<string, unknown>): string[] {
    const norm = (v: unknown) => JSON.stringify(Array.isArray(v) ? [...v].map(String).sort() : v ?? null);
    // Gitea writes an empty list as null.
    const seen = (k: string) => (Array.isArray(desired[k]) && observed[k] == null ? [] : observed[k]);
    return Object.keys(desired)
        .filter((k) => norm(desired[k]) !== norm(seen(k)))
        .map((k) => `${k} is ${norm(seen(k))} (the stack wants ${norm(desired[k])})`);
}

/** Only the keys of `desired`, read from a Gitea object. */
export function pick(desired: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.keys(desired).map((k) => [k, body?.[k] ?? null]));
}

/** The state a refresh reads from; `pulumi import` (no state) is not supported by these providers. */
function known<T>(state: T | undefined, id: string): T {
    if (state === undefined) {
        throw new Error(`Gitea object ${id}: reading it without its state (pulumi import) is not supported; let 'pulumi up' adopt it instead`);
    }
    return state;
}

/** Did the connection (URL or credentials) change? Then the state must take the new one. */
function apiChanged(olds: { api: PlainApi }, news: { api: PlainApi }): boolean {
    return olds.api.url !== news.api.url || olds.api.username !== news.api.username || olds.api.password !== news.api.password;
}

/**
 * What the generic provider needs to know of one kind of Gitea object: how to find it, the fields the stack
 * manages (in Gitea's JSON names), and the requests that create, change and delete it.
 */
export interface ObjectKind<I extends { api: PlainApi }> {
    /** e.g. "Gitea repository 'lumen/lumen'". */
    describe(i: I): string;
    /** Inputs whose change replaces the object (its identity). */
    identity: (keyof I & string)[];
    /** The managed fields as Gitea names them, with the values the stack wants. */
    desired(i: I): Record<string, unknown>;
    /** The object as Gitea holds it, or undefined when it does not exist. */
    fetch(i: I): Promise<Record<string, unknown> | undefined>;
    create(i: I): { method: string; path: string; body?: unknown; hints?: Record<number, string> };
    update(i: I): { method: string; path: string; body?: unknown; hints?: Record<number, string> };
    remove(i: I): { path: string; hints?: Record<number, string> };
    /** What to do when an existing object does not match. */
    onMismatch: string;
}

/** State of a managed object: its inputs, whether it was found rather than created, and what Gitea holds. */
export type ObjectState<I> = I & { adopted: boolean; observed: Record<string, unknown> };

/** GET `path`; undefined on 404. */
export async function fetchOrUndefined(api: PlainApi, what: string, path: string): Promise<Record<string, unknown> | undefined> {
    const r = await giteaRequest(api, what, "GET", path, { allow: [404] });
    return r.status === 404 ? undefined : r.body;
}

/** Removes what a create may have left in Gitea when its answer was lost; the original error is rethrown. */
async function cleanUpAfterFailedCreate(e: unknown, what: string, exists: () => Promise<boolean>, remove: () => Promise<unknown>): Promise<never> {
    const err = e as GiteaError;
    // Only an answer that never came (or a 5xx) can hide a create that happened; a 4xx means nothing was made.
    if (err.status === 0 || err.status >= 500) {
        try {
            if (await exists()) {
                await remove();
                err.message += ` The partly created ${what} was removed again.`;
            }
        } catch (cleanup) {
            err.message += ` Removing what the failed create may have left failed too (${(cleanup as Error).message}): check Gitea before the next 'pulumi up'.`;
        }
    }
    throw err;
}

/** The object's identity values joined by '/', e.g. lumen/lumen. */
function objectId<I extends { api: PlainApi }>(kind: ObjectKind<I>, i: I): string {
    return kind.identity.map((k) => String(i[k])).join("/");
}

/** The create/read/diff/update/delete of one kind of Gitea object, with adoption of a matching one. */
export function objectProvider<I extends { api: PlainApi }>(kind: ObjectKind<I>): pulumi.dynamic.ResourceProvider<I, ObjectState<I>> {
    return {
        async create(inputs) {
            const what = kind.describe(inputs);
            const desired = kind.desired(inputs);
            const existing = await kind.fetch(inputs);
            if (existing !== undefined) {
                const differences = mismatches(desired, existing);
                if (differences.length > 0) {
                    throw new Error(`${what} already exists in Gitea and does not match what the stack manages: ${differences.join("; ")}. `
                        + `The stack adopts an existing object only when it matches, and never changes one it did not create: ${kind.onMismatch}.`);
                }
                return { id: objectId(kind, inputs), outs: { ...inputs, adopted: true, observed: pick(desired, existing) } };
            }
            const req = kind.create(inputs);
            let created: GiteaResponse;
            try {
                created = await giteaRequest(inputs.api, what, req.method, req.path, { body: req.body, hints: req.hints });
            } catch (e) {
                return cleanUpAfterFailedCreate(e, what, async () => (await kind.fetch(inputs)) !== undefined,
                    () => giteaRequest(inputs.api, what, "DELETE", kind.remove(inputs).path, { allow: [404] }));
            }
            const observed = created.body && typeof created.body === "object" && !Array.isArray(created.body) ? created.body : await kind.fetch(inputs);
            return { id: objectId(kind, inputs), outs: { ...inputs, adopted: false, observed: pick(desired, observed ?? desired) } };
        },
        async read(id, state) {
            const props = known(state, id);
            const live = await kind.fetch(props);
            if (live === undefined) {
                return { id: "" };
            }
            return { id, props: { ...props, observed: pick(kind.desired(props), live) } };
        },
        async diff(_id, olds, news) {
            const replaces = kind.identity.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
            const drifted = mismatches(kind.desired(news), olds.observed ?? {}).length > 0;
            return { changes: replaces.length > 0 || drifted || apiChanged(olds, news), replaces };
        },
        async update(_id, olds, news) {
            const desired = kind.desired(news);
            let observed = olds.observed;
            if (mismatches(desired, olds.observed ?? {}).length > 0) {
                const req = kind.update(news);
                const r = await giteaRequest(news.api, kind.describe(news), req.method, req.path, { body: req.body, hints: req.hints });
                const body = r.body && typeof r.body === "object" && !Array.isArray(r.body) ? r.body : await kind.fetch(news);
                observed = pick(desired, body ?? desired);
            }
            return { outs: { ...news, adopted: olds.adopted, observed } };
        },
        async delete(_id, props) {
            // What the stack found, it leaves: it only removes what it created.
            if (props.adopted) {
                return;
            }
            const req = kind.remove(props);
            await giteaRequest(props.api, kind.describe(props), "DELETE", req.path, { allow: [404], hints: req.hints });
        },
    };
}

// ---------------------------------------------------------------------------------------------------------
// Organisation

interface OrganizationInputs {
    api: PlainApi;
    name: string;
    /** public, limited or private. */
    visibility: string;
}

export const organizationKind: ObjectKind<OrganizationInputs> = {
    describe: (i) => `Gitea organisation '${i.name}'`,
    identity: ["name"],
    desired: (i) => ({ visibility: i.visibility }),
    fetch: (i) => fetchOrUndefined(i.api, `Gitea organisation '${i.name}'`, `/orgs/${seg(i.name)}`),
    create: (i) => ({
        method: "POST", path: "/orgs", body: { username: i.name, visibility: i.visibility },
        hints: { 422: `the name '${i.name}' is taken by a user or not allowed: choose another owner in argocd.gitRepo or rename that user in Gitea` },
    }),
    update: (i) => ({ method: "PATCH", path: `/orgs/${seg(i.name)}`, body: { visibility: i.visibility } }),
    remove: (i) => ({ path: `/orgs/${seg(i.name)}`, hints: { 422: "the organisation still owns repositories or packages: move or delete them first" } }),
    onMismatch: "change its visibility in Gitea (organisation settings) or delete it, then run 'pulumi up' again",
};

export const organizationProvider = objectProvider(organizationKind);

/** Arguments of {@link GiteaOrganization}. */
export interface GiteaOrganizationArgs {
    api: GiteaApi;
    name: pulumi.Input<string>;
    /** public, limited or private. */
    visibility: pulumi.Input<string>;
}

/** A Gitea organisation. */
export class GiteaOrganization extends DynamicResource {
    // `declare`: an ES2022 class field would overwrite, after super(), the output the engine fills in.
    declare public readonly name: pulumi.Output<string>;
    /** True when the organisation existed before the stack and was taken over (destroy leaves it). */
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: GiteaOrganizationArgs, opts?: pulumi.CustomResourceOptions) {
        super(organizationProvider, name, { ...args, adopted: undefined, observed: undefined },
            { ...opts, additionalSecretOutputs: ["api"] }, "airgap", "GiteaOrganization");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Repository

interface RepositoryInputs {
    api: PlainApi;
    owner: string;
    name: string;
    private: boolean;
    defaultBranch: string;
}

export const repositoryKind: ObjectKind<RepositoryInputs> = {
    describe: (i) => `Gitea repository '${i.owner}/${i.name}'`,
    identity: ["owner", "name"],
    desired: (i) => ({ private: i.private, default_branch: i.defaultBranch, archived: false, mirror: false }),
    fetch: (i) => fetchOrUndefined(i.api, `Gitea repository '${i.owner}/${i.name}'`, `/repos/${seg(i.owner)}/${seg(i.name)}`),
    create: (i) => ({
        method: "POST", path: `/orgs/${seg(i.owner)}/repos`,
        // Empty (no auto_init): the first commit is the stack's initial content.
        body: { name: i.name, private: i.private, default_branch: i.defaultBranch, auto_init: false },
        hints: {
            404: `the organisation '${i.owner}' does not exist: it is created before the repository, so run 'pulumi refresh' and 'pulumi up'`,
            409: "a repository of that name exists (Gitea may keep an unadopted folder of that name on disk: Site Administration > Repositories > Unadopted)",
        },
    }),
    // A mirror is refused at adoption and cannot become one later; an archived repository is unarchived.
    update: (i) => ({
        method: "PATCH", path: `/repos/${seg(i.owner)}/${seg(i.name)}`,
        body: { private: i.private, default_branch: i.defaultBranch, archived: false },
    }),
    remove: (i) => ({ path: `/repos/${seg(i.owner)}/${seg(i.name)}` }),
    onMismatch: "make it private, unarchived, not a mirror, with the expected default branch in Gitea (repository settings), or delete it, then run 'pulumi up' again",
};

export const repositoryProvider = objectProvider(repositoryKind);

/** Arguments of {@link GiteaRepository}. */
export interface GiteaRepositoryArgs {
    api: GiteaApi;
    /** The organisation that owns it. */
    owner: pulumi.Input<string>;
    name: pulumi.Input<string>;
    private: pulumi.Input<boolean>;
    defaultBranch: pulumi.Input<string>;
}

/** A repository of a Gitea organisation, created empty. */
export class GiteaRepository extends DynamicResource {
    declare public readonly owner: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly defaultBranch: pulumi.Output<string>;
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: GiteaRepositoryArgs, opts?: pulumi.CustomResourceOptions) {
        super(repositoryProvider, name, { ...args, adopted: undefined, observed: undefined },
            { ...opts, additionalSecretOutputs: ["api"] }, "airgap", "GiteaRepository");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Machine user

interface MachineUserInputs {
    api: PlainApi;
    username: string;
    email: string;
}

export const machineUserKind: ObjectKind<MachineUserInputs> = {
    describe: (i) => `Gitea machine user '${i.username}'`,
    identity: ["username"],
    // Restricted: the user sees only the repositories it is explicitly given.
    desired: (i) => ({ email: i.email, restricted: true, is_admin: false }),
    fetch: (i) => fetchOrUndefined(i.api, `Gitea machine user '${i.username}'`, `/users/${seg(i.username)}`),
    create: (i) => ({
        method: "POST", path: "/admin/users",
        body: {
            username: i.username, email: i.email, restricted: true, visibility: "private", must_change_password: false,
            // Nobody ever signs in as a machine user: it works with its tokens, so its password is drawn and forgotten.
            password: randomBytes(30).toString("base64url"),
        },
        hints: { 422: `the name '${i.username}' or the address ${i.email} is taken (by an organisation or another user), or not allowed: choose another in giteaContent` },
    }),
    // login_name is required by the edit call; for a local user it is only informative, so it stays the user name.
    update: (i) => ({
        method: "PATCH", path: `/admin/users/${seg(i.username)}`,
        body: { login_name: i.username, source_id: 0, email: i.email, restricted: true },
    }),
    remove: (i) => ({ path: `/admin/users/${seg(i.username)}?purge=true` }),
    onMismatch: "a machine user must be a restricted non-admin account with the expected e-mail address: change it in Gitea (Site Administration > "
        + "User Accounts), delete it, or choose another name in giteaContent, then run 'pulumi up' again",
};

export const machineUserProvider = objectProvider(machineUserKind);

/** Arguments of {@link GiteaMachineUser}. */
export interface GiteaMachineUserArgs {
    api: GiteaApi;
    username: pulumi.Input<string>;
    email: pulumi.Input<string>;
}

/** A restricted, non-admin Gitea user for a program; it authenticates only with its access tokens. */
export class GiteaMachineUser extends DynamicResource {
    declare public readonly username: pulumi.Output<string>;
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: GiteaMachineUserArgs, opts?: pulumi.CustomResourceOptions) {
        super(machineUserProvider, name, { ...args, adopted: undefined, observed: undefined },
            { ...opts, additionalSecretOutputs: ["api"] }, "airgap", "GiteaMachineUser");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Repository collaborator

interface CollaboratorInputs {
    api: PlainApi;
    owner: string;
    repo: string;
    username: string;
    /** read, write or admin. */
    permission: string;
}

export const collaboratorKind: ObjectKind<CollaboratorInputs> = {
    describe: (i) => `Gitea collaborator '${i.username}' of '${i.owner}/${i.repo}'`,
    identity: ["owner", "repo", "username"],
    desired: (i) => ({ permission: i.permission }),
    async fetch(i) {
        const what = `Gitea collaborator '${i.username}' of '${i.owner}/${i.repo}'`;
        const base = `/repos/${seg(i.owner)}/${seg(i.repo)}/collaborators/${seg(i.username)}`;
        // 204 when the user is a collaborator, 404 when not (or when the repository is gone).
        const member = await giteaRequest(i.api, what, "GET", base, { allow: [404] });
        if (member.status === 404) {
            return undefined;
        }
        return (await giteaRequest(i.api, what, "GET", `${base}/permission`)).body;
    },
    create: (i) => ({
        method: "PUT", path: `/repos/${seg(i.owner)}/${seg(i.repo)}/collaborators/${seg(i.username)}`, body: { permission: i.permission },
        hints: { 422: `the user '${i.username}' does not exist in Gitea` },
    }),
    update: (i) => collaboratorKind.create(i),
    remove: (i) => ({ path: `/repos/${seg(i.owner)}/${seg(i.repo)}/collaborators/${seg(i.username)}` }),
    onMismatch: "set the collaborator's permission in Gitea (repository settings > Collaborators) or remove the collaborator, then run 'pulumi up' again",
};

export const collaboratorProvider = objectProvider(collaboratorKind);

/** Arguments of {@link GiteaRepositoryCollaborator}. */
export interface GiteaRepositoryCollaboratorArgs {
    api: GiteaApi;
    owner: pulumi.Input<string>;
    repo: pulumi.Input<string>;
    username: pulumi.Input<string>;
    /** read, write or admin. */
    permission: pulumi.Input<string>;
}

/** A user's access to one repository (how a restricted machine user reaches a private repository). */
export class GiteaRepositoryCollaborator extends DynamicResource {
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: GiteaRepositoryCollaboratorArgs, opts?: pulumi.CustomResourceOptions) {
        super(collaboratorProvider, name, { ...args, adopted: undefined, observed: undefined },
            { ...opts, additionalSecretOutputs: ["api"] }, "airgap", "GiteaRepositoryCollaborator");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Branch protection

interface BranchProtectionInputs {
    api: PlainApi;
    owner: string;
    repo: string;
    branch: string;
    /** Users who may push to the branch directly (everyone else goes through a pull request). */
    pushAllowlist: string[];
    /** Commit status contexts a pull request needs before it can be merged; empty: none. */
    requiredStatusChecks: string[];
    requiredApprovals: number;
}

/** The rule's fields as Gitea names them: direct pushes only for the allowlist, never forced. */
export function branchProtectionFields(i: BranchProtectionInputs): Record<string, unknown> {
    const pushers = i.pushAllowlist.length > 0;
    return {
        rule_name: i.branch,
        enable_push: pushers,
        enable_push_whitelist: pushers,
        push_whitelist_usernames: i.pushAllowlist,
        enable_force_push: false,
        enable_status_check: i.requiredStatusChecks.length > 0,
        status_check_contexts: i.requiredStatusChecks,
        required_approvals: i.requiredApprovals,
    };
}

export const branchProtectionKind: ObjectKind<BranchProtectionInputs> = {
    describe: (i) => `Gitea branch protection '${i.branch}' of '${i.owner}/${i.repo}'`,
    identity: ["owner", "repo", "branch"],
    desired: branchProtectionFields,
    fetch: (i) => fetchOrUndefined(i.api, `Gitea branch protection '${i.branch}' of '${i.owner}/${i.repo}'`,
        `/repos/${seg(i.owner)}/${seg(i.repo)}/branch_protections/${seg(i.branch)}`),
    create: (i) => ({
        method: "POST", path: `/repos/${seg(i.owner)}/${seg(i.repo)}/branch_protections`, body: branchProtectionFields(i),
        hints: { 422: "a user on the push allowlist does not exist or has no write access to the repository" },
    }),
    update: (i) => {
        const { rule_name: _name, ...fields } = branchProtectionFields(i);
        return {
            method: "PATCH", path: `/repos/${seg(i.owner)}/${seg(i.repo)}/branch_protections/${seg(i.branch)}`, body: fields,
            hints: { 422: "a user on the push allowlist does not exist or has no write access to the repository" },
        };
    },
    remove: (i) => ({ path: `/repos/${seg(i.owner)}/${seg(i.repo)}/branch_protections/${seg(i.branch)}` }),
    onMismatch: "align the rule in Gitea (repository settings > Branches) or delete it, then run 'pulumi up' again",
};

export const branchProtectionProvider = objectProvider(branchProtectionKind);

/** Arguments of {@link GiteaBranchProtection}. */
export interface GiteaBranchProtectionArgs {
    api: GiteaApi;
    owner: pulumi.Input<string>;
    repo: pulumi.Input<string>;
    branch: pulumi.Input<string>;
    /** Users who may push directly; everyone else needs a pull request. Each needs write access. */
    pushAllowlist: pulumi.Input<pulumi.Input<string>[]>;
    /** Status contexts (globs allowed) that must pass before a pull request merges; empty: none. */
    requiredStatusChecks: pulumi.Input<pulumi.Input<string>[]>;
    requiredApprovals: pulumi.Input<number>;
}

/** A branch protection rule: changes through pull requests, direct pushes only for an allowlist. */
export class GiteaBranchProtection extends DynamicResource {
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: GiteaBranchProtectionArgs, opts?: pulumi.CustomResourceOptions) {
        super(branchProtectionProvider, name, { ...args, adopted: undefined, observed: undefined },
            { ...opts, additionalSecretOutputs: ["api"] }, "airgap", "GiteaBranchProtection");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Access token

interface AccessTokenInputs {
    api: PlainApi;
    username: string;
    name: string;
    scopes: string[];
}

interface AccessTokenState extends AccessTokenInputs {
    token: string;
    tokenId: number;
    lastEight: string;
}

/** The user's token of that id or name, or undefined (also when the user is gone). */
async function findToken(api: PlainApi, what: string, username: string, match: (t: any) => boolean): Promise<any | undefined> {
    for (let page = 1; ; page++) {
        const r = await giteaRequest(api, what, "GET", `/users/${seg(username)}/tokens?limit=50&page=${page}`, { allow: [404] });
        if (r.status === 404 || !Array.isArray(r.body)) {
            return undefined;
        }
        const found = r.body.find(match);
        if (found !== undefined || r.body.length < 50) {
            return found;
        }
    }
}

function sameSet(a: string[], b: string[]): boolean {
    return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

export const accessTokenProvider: pulumi.dynamic.ResourceProvider<AccessTokenInputs, AccessTokenState> = {
    async create(inputs) {
        const what = `Gitea access token '${inputs.name}' of '${inputs.username}'`;
        const path = `/users/${seg(inputs.username)}/tokens`;
        let r: GiteaResponse;
        try {
            // A site administrator may create tokens for another user with basic auth (no sudo needed).
            r = await giteaRequest(inputs.api, what, "POST", path, {
                body: { name: inputs.name, scopes: inputs.scopes },
                hints: {
                    400: `either a token named '${inputs.name}' exists already (Gitea shows a token's value only once, so the stack cannot adopt it: `
                        + `delete it in Gitea, signed in as an administrator (user settings > Applications, or DELETE /api/v1/users/${inputs.username}/tokens/${inputs.name}), `
                        + "or bump the token's rotation counter in giteaContent), or a scope is not one Gitea knows",
                    404: `the user '${inputs.username}' does not exist: it is created before its tokens, so run 'pulumi refresh' and 'pulumi up'`,
                },
            });
        } catch (e) {
            return cleanUpAfterFailedCreate(e, what,
                async () => (await findToken(inputs.api, what, inputs.username, (t) => t.name === inputs.name)) !== undefined,
                () => giteaRequest(inputs.api, what, "DELETE", `${path}/${seg(inputs.name)}`, { allow: [404] }));
        }
        return {
            id: String(r.body.id),
            outs: { ...inputs, token: r.body.sha1, tokenId: r.body.id, lastEight: r.body.token_last_eight },
        };
    },
    async read(id, state) {
        const props = known(state, id);
        const what = `Gitea access token '${props.name}' of '${props.username}'`;
        const live = await findToken(props.api, what, props.username, (t) => String(t.id) === id);
        return live === undefined ? { id: "" } : { id, props };
    },
    async diff(_id, olds, news) {
        const replaces = [
            ...(olds.username !== news.username ? ["username"] : []),
            ...(olds.name !== news.name ? ["name"] : []),
            ...(!sameSet(olds.scopes, news.scopes) ? ["scopes"] : []),
        ];
        // Gitea refuses two tokens of one name: the same name can only be replaced by deleting first.
        const sameName = olds.username === news.username && olds.name === news.name;
        return { changes: replaces.length > 0 || apiChanged(olds, news), replaces, deleteBeforeReplace: replaces.length > 0 && sameName };
    },
    async update(_id, olds, news) {
        return { outs: { ...news, token: olds.token, tokenId: olds.tokenId, lastEight: olds.lastEight } };
    },
    async delete(id, props) {
        const what = `Gitea access token '${props.name}' of '${props.username}'`;
        await giteaRequest(props.api, what, "DELETE", `/users/${seg(props.username)}/tokens/${seg(id)}`, { allow: [404] });
    },
};

/** Arguments of {@link GiteaAccessToken}. */
export interface GiteaAccessTokenArgs {
    api: GiteaApi;
    username: pulumi.Input<string>;
    /** Unique per user; a new name (e.g. with a rotation counter) issues a new token before the old one is deleted. */
    name: pulumi.Input<string>;
    /** Gitea token scopes, e.g. read:repository. A change issues a new token. */
    scopes: pulumi.Input<pulumi.Input<string>[]>;
}

/** A personal access token of a user, created by the site administrator; `token` is a secret. */
export class GiteaAccessToken extends DynamicResource {
    declare public readonly token: pulumi.Output<string>;
    declare public readonly username: pulumi.Output<string>;

    constructor(name: string, args: GiteaAccessTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(accessTokenProvider, name, { ...args, token: undefined, tokenId: undefined, lastEight: undefined },
            { ...opts, additionalSecretOutputs: ["api", "token"] }, "airgap", "GiteaAccessToken");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Repository Actions secret

interface ActionsSecretInputs {
    api: PlainApi;
    owner: string;
    repo: string;
    /** Gitea stores names upper-case. */
    name: string;
    value: string;
}

interface ActionsSecretState extends ActionsSecretInputs {
    adopted: boolean;
}

/** Does the repository have an Actions secret of that name? undefined when the repository is gone. */
async function secretExists(api: PlainApi, what: string, owner: string, repo: string, name: string): Promise<boolean | undefined> {
    for (let page = 1; ; page++) {
        const r = await giteaRequest(api, what, "GET", `/repos/${seg(owner)}/${seg(repo)}/actions/secrets?limit=50&page=${page}`, { allow: [404] });
        if (r.status === 404) {
            return undefined;
        }
        const list = Array.isArray(r.body) ? r.body : [];
        if (list.some((s: any) => String(s.name).toUpperCase() === name.toUpperCase())) {
            return true;
        }
        if (list.length < 50) {
            return false;
        }
    }
}

async function putSecret(i: ActionsSecretInputs, what: string): Promise<void> {
    await giteaRequest(i.api, what, "PUT", `/repos/${seg(i.owner)}/${seg(i.repo)}/actions/secrets/${seg(i.name)}`, {
        body: { data: i.value },
        hints: {
            404: `the repository '${i.owner}/${i.repo}' does not exist: it is created before its secrets, so run 'pulumi refresh' and 'pulumi up'`,
            400: "the secret name must be letters, digits and '_', not starting with a digit, GITEA_ or GITHUB_",
        },
    });
}

export const actionsSecretProvider: pulumi.dynamic.ResourceProvider<ActionsSecretInputs, ActionsSecretState> = {
    async create(inputs) {
        const what = `Gitea Actions secret '${inputs.name}' of '${inputs.owner}/${inputs.repo}'`;
        // A secret's value cannot be read back, so an existing one cannot be compared: it is adopted and set.
        const existed = (await secretExists(inputs.api, what, inputs.owner, inputs.repo, inputs.name)) === true;
        await putSecret(inputs, what);
        return { id: `${inputs.owner}/${inputs.repo}/${inputs.name.toUpperCase()}`, outs: { ...inputs, adopted: existed } };
    },
    async read(id, state) {
        const props = known(state, id);
        const what = `Gitea Actions secret '${props.name}' of '${props.owner}/${props.repo}'`;
        return (await secretExists(props.api, what, props.owner, props.repo, props.name)) ? { id, props } : { id: "" };
    },
    async diff(_id, olds, news) {
        const replaces = [
            ...(olds.owner !== news.owner ? ["owner"] : []),
            ...(olds.repo !== news.repo ? ["repo"] : []),
            ...(olds.name.toUpperCase() !== news.name.toUpperCase() ? ["name"] : []),
        ];
        return { changes: replaces.length > 0 || olds.value !== news.value || apiChanged(olds, news), replaces, deleteBeforeReplace: false };
    },
    async update(_id, olds, news) {
        if (olds.value !== news.value) {
            await putSecret(news, `Gitea Actions secret '${news.name}' of '${news.owner}/${news.repo}'`);
        }
        return { outs: { ...news, adopted: olds.adopted } };
    },
    async delete(_id, props) {
        if (props.adopted) {
            return;
        }
        const what = `Gitea Actions secret '${props.name}' of '${props.owner}/${props.repo}'`;
        await giteaRequest(props.api, what, "DELETE", `/repos/${seg(props.owner)}/${seg(props.repo)}/actions/secrets/${seg(props.name)}`, { allow: [404] });
    },
};

/** Arguments of {@link GiteaActionsSecret}. */
export interface GiteaActionsSecretArgs {
    api: GiteaApi;
    owner: pulumi.Input<string>;
    repo: pulumi.Input<string>;
    name: pulumi.Input<string>;
    /** A Pulumi secret. */
    value: pulumi.Input<string>;
}

/** A repository's Actions secret (`secrets.NAME` in workflows); the value is write-only in Gitea. */
export class GiteaActionsSecret extends DynamicResource {
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: GiteaActionsSecretArgs, opts?: pulumi.CustomResourceOptions) {
        super(actionsSecretProvider, name, { ...args, adopted: undefined },
            { ...opts, additionalSecretOutputs: ["api", "value"] }, "airgap", "GiteaActionsSecret");
    }
}

// ---------------------------------------------------------------------------------------------------------
// First content of a repository (create-only)

/** One file of the first commit. */
export interface RepositoryFile {
    /** Path inside the repository. */
    path: string;
    /** The file's bytes, base64. */
    content: string;
}

interface InitialCommitInputs {
    api: PlainApi;
    owner: string;
    repo: string;
    branch: string;
    message: string;
    files: RepositoryFile[];
}

interface InitialCommitState {
    api: PlainApi;
    owner: string;
    repo: string;
    branch: string;
    /** False when the branch already had commits: nothing was pushed. */
    pushed: boolean;
    commitSha: string;
}

export const initialCommitProvider: pulumi.dynamic.ResourceProvider<InitialCommitInputs, InitialCommitState> = {
    async create(inputs) {
        const what = `first commit of '${inputs.owner}/${inputs.repo}'`;
        const branchPath = `/repos/${seg(inputs.owner)}/${seg(inputs.repo)}/branches/${seg(inputs.branch)}`;
        const outs = { api: inputs.api, owner: inputs.owner, repo: inputs.repo, branch: inputs.branch };
        const branch = await giteaRequest(inputs.api, what, "GET", branchPath, { allow: [404] });
        if (branch.status === 200) {
            // The branch has history: later changes come by pull request, so the stack never writes over it.
            return { id: `${inputs.owner}/${inputs.repo}@${inputs.branch}`, outs: { ...outs, pushed: false, commitSha: branch.body.commit.id } };
        }
        let r: GiteaResponse;
        try {
            r = await giteaRequest(inputs.api, what, "POST", `/repos/${seg(inputs.owner)}/${seg(inputs.repo)}/contents`, {
                body: {
                    branch: inputs.branch,
                    message: inputs.message,
                    files: inputs.files.map((f) => ({ operation: "create", path: f.path, content: f.content })),
                },
                hints: {
                    404: `the repository '${inputs.owner}/${inputs.repo}' does not exist: it is created first, so run 'pulumi refresh' and 'pulumi up'`,
                    422: "a file path is not allowed (Gitea's message names it)",
                },
            });
        } catch (e) {
            return cleanUpAfterFailedCreate(e, what,
                async () => (await giteaRequest(inputs.api, what, "GET", branchPath, { allow: [404] })).status === 200,
                () => giteaRequest(inputs.api, what, "DELETE", branchPath, { allow: [404] }));
        }
        return { id: `${inputs.owner}/${inputs.repo}@${inputs.branch}`, outs: { ...outs, pushed: true, commitSha: r.body.commit.sha } };
    },
    async read(id, state) {
        const props = known(state, id);
        const what = `first commit of '${props.owner}/${props.repo}'`;
        const repo = await giteaRequest(props.api, what, "GET", `/repos/${seg(props.owner)}/${seg(props.repo)}`, { allow: [404] });
        // The commit lives as long as its repository; what happens to the branch later is the pull requests' business.
        return repo.status === 404 ? { id: "" } : { id, props };
    },
    async diff(_id, olds, news) {
        // Only a different target replaces it; changed files never reach a repository that has its first commit.
        const replaces = (["owner", "repo", "branch"] as const).filter((k) => olds[k] !== news[k]);
        return { changes: replaces.length > 0 || apiChanged(olds, news), replaces, deleteBeforeReplace: false };
    },
    async update(_id, olds, news) {
        return { outs: { api: news.api, owner: news.owner, repo: news.repo, branch: news.branch, pushed: olds.pushed, commitSha: olds.commitSha } };
    },
    // Deleting it deletes nothing: the history goes with the repository.
};

/** Arguments of {@link GiteaInitialCommit}. */
export interface GiteaInitialCommitArgs {
    api: GiteaApi;
    owner: pulumi.Input<string>;
    repo: pulumi.Input<string>;
    branch: pulumi.Input<string>;
    message: pulumi.Input<string>;
    files: RepositoryFile[];
}

/**
 * The first commit of an empty repository, pushed once through the contents API. Create-only: when the
 * branch already has commits nothing is pushed, and later changes of `files` are ignored (they reach the
 * repository by pull request).
 */
export class GiteaInitialCommit extends DynamicResource {
    declare public readonly pushed: pulumi.Output<boolean>;
    declare public readonly commitSha: pulumi.Output<string>;

    constructor(name: string, args: GiteaInitialCommitArgs, opts?: pulumi.CustomResourceOptions) {
        if (args.files.length === 0) {
            throw new pulumi.ResourceError(`GiteaInitialCommit ${name}: files is empty; a first commit needs at least one file`, opts?.parent);
        }
        super(initialCommitProvider, name, { ...args, pushed: undefined, commitSha: undefined },
            { ...opts, additionalSecretOutputs: ["api"] }, "airgap", "GiteaInitialCommit");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Organisation runner registration token

interface RunnerTokenInputs {
    api: PlainApi;
    org: string;
}

interface RunnerTokenState extends RunnerTokenInputs {
    token: string;
}

/** The organisation's current registration token (Gitea makes one when there is none; the same one until reset). */
async function organizationRunnerToken(i: RunnerTokenInputs): Promise<string | undefined> {
    const r = await giteaRequest(i.api, `Gitea runner registration token of '${i.org}'`, "POST",
        `/orgs/${seg(i.org)}/actions/runners/registration-token`, {
            idempotent: true,
            allow: [404],
            hints: { 403: "Actions may be off in Gitea ([actions] ENABLED)" },
        });
    return r.status === 404 ? undefined : r.body.token;
}

export const runnerTokenProvider: pulumi.dynamic.ResourceProvider<RunnerTokenInputs, RunnerTokenState> = {
    async create(inputs) {
        const token = await organizationRunnerToken(inputs);
        if (token === undefined) {
            throw new Error(`Gitea runner registration token of '${inputs.org}': HTTP 404, the organisation does not exist. `
                + "It is created before the token: run 'pulumi refresh' and 'pulumi up'.");
        }
        return { id: inputs.org, outs: { ...inputs, token } };
    },
    async read(id, state) {
        const props = known(state, id);
        // A token reset in Gitea's UI shows up here as a new value.
        const token = await organizationRunnerToken(props);
        return token === undefined ? { id: "" } : { id, props: { ...props, token } };
    },
    async diff(_id, olds, news) {
        const replaces = olds.org !== news.org ? ["org"] : [];
        return { changes: replaces.length > 0 || apiChanged(olds, news), replaces, deleteBeforeReplace: false };
    },
    async update(_id, olds, news) {
        return { outs: { ...news, token: olds.token } };
    },
    // Gitea has no API to revoke it (its UI resets it); removing the organisation removes it.
};

/** Arguments of {@link GiteaRunnerRegistrationToken}. */
export interface GiteaRunnerRegistrationTokenArgs {
    api: GiteaApi;
    org: pulumi.Input<string>;
}

/** The token that registers act_runner for one organisation only; `token` is a secret. */
export class GiteaRunnerRegistrationToken extends DynamicResource {
    declare public readonly token: pulumi.Output<string>;

    constructor(name: string, args: GiteaRunnerRegistrationTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(runnerTokenProvider, name, { ...args, token: undefined },
            { ...opts, additionalSecretOutputs: ["api", "token"] }, "airgap", "GiteaRunnerRegistrationToken");
    }
}
