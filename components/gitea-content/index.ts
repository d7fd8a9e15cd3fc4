// Copyright 2026, airgap-platform authors.

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    GiteaAccessToken, GiteaActionsSecret, GiteaApi, GiteaBranchProtection, GiteaInitialCommit, GiteaMachineUser, GiteaOrganization,
    GiteaRepository, GiteaRepositoryCollaborator, GiteaRunnerRegistrationToken, RepositoryFile,
} from "../../providers/gitea";
import { GiteaContentSettings } from "./schema";

export * from "./schema";

/** A local file or folder that goes into the repository's first commit. */
export interface ContentSource {
    /** Local path, relative to the project folder; a folder brings everything under it. */
    readonly from: string;
    /** Its path inside the repository. */
    readonly to: string;
}

/** Arguments of {@link GiteaContent}. */
export interface GiteaContentArgs {
    /** Its settings; `repository` (owner/name, the owner created as a private organisation) and the machine users' `emailDomain` resolved. */
    readonly settings: GiteaContentSettings & { readonly repository: string; readonly emailDomain: string };
    /** The Gitea whose API is used (at `settings.apiUrl`, or its NodePort URL), as its site administrator. */
    readonly gitea: {
        readonly nodePortUrl: pulumi.Input<string>;
        readonly adminUsername: pulumi.Input<string>;
        readonly adminPassword: pulumi.Input<string>;
    };
    /** What the first commit holds; pushed once, only into an empty repository. */
    readonly initialContent: ContentSource[];
}

/** The lumen app's GitOps tree as `npm run release` renders it, and its release workflow (where its header says). */
export const LUMEN_GITOPS_CONTENT: ContentSource[] = [
    { from: "apps/lumen/rendered", to: "" },
    { from: "apps/lumen/.gitea/workflows/release.yaml", to: ".gitea/workflows/lumen-release.yaml" },
];

/** The branch Argo CD syncs and pull requests target. */
export const MAIN_BRANCH = "main";
/** The Actions secret the release workflow pushes with (`secrets.CI_TOKEN`). */
export const CI_TOKEN_SECRET = "CI_TOKEN";
/** Clone and fetch only. */
export const ARGOCD_TOKEN_SCOPES = ["read:repository"];
/** Push (the release commits) and read. */
export const CI_TOKEN_SCOPES = ["write:repository"];

/**
 * Gitea's content for the platform: the GitOps repository in its own organisation, a read-only machine user
 * and token for Argo CD, a write token for the pipeline stored as the repository's CI_TOKEN secret, main
 * protected so that changes come by pull request, the repository's first commit, and the organisation's
 * runner registration token.
 */
export class GiteaContent extends pulumi.ComponentResource {
    public readonly organization: pulumi.Output<string>;
    /** owner/name of the GitOps repository. */
    public readonly repository: pulumi.Output<string>;
    public readonly argocdUsername: pulumi.Output<string>;
    /** Secret: Argo CD's clone token. */
    public readonly argocdToken: pulumi.Output<string>;
    /** Secret: registers a runner for the organisation only. */
    public readonly runnerRegistrationToken: pulumi.Output<string>;

    constructor(name: string, args: GiteaContentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:GiteaContent", name, {}, opts);
        const settings = args.settings;
        const [owner, repoName] = settings.repository.split("/");
        const files = repositoryFiles(args.initialContent);
        const api: GiteaApi = {
            url: settings.apiUrl !== undefined ? settings.apiUrl : args.gitea.nodePortUrl,
            username: args.gitea.adminUsername,
            password: args.gitea.adminPassword,
        };
        // Children do not inherit a component's dependsOn: the first calls (everything else follows them) wait
        // for it themselves, e.g. for Gitea's chart when apiUrl is configured rather than read from Gitea.
        const first = { parent: this, dependsOn: opts?.dependsOn };

        const org = new GiteaOrganization(`${name}-org`, { api, name: owner, visibility: "private" }, first);
        const repo = new GiteaRepository(`${name}-repo`, {
            api, owner: org.name, name: repoName, private: true, defaultBranch: MAIN_BRANCH,
        }, { parent: this });

        const user = (id: string, username: string, permission: string) => {
            const account = new GiteaMachineUser(`${name}-${id}-user`, { api, username, email: `${username}@${settings.emailDomain}` }, first);
            const access = new GiteaRepositoryCollaborator(`${name}-${id}-access`, {
                api, owner: repo.owner, repo: repo.name, username: account.username, permission,
            }, { parent: this });
            return { account, access };
        };
        const argocd = user("argocd", settings.argocdUser, "read");
        const ci = user("ci", settings.ciUser, "write");

        const argocdToken = new GiteaAccessToken(`${name}-argocd-token`, {
            api, username: argocd.account.username, name: `argocd-r${settings.argocdTokenRotation}`, scopes: ARGOCD_TOKEN_SCOPES,
        }, { parent: this });
        const ciToken = new GiteaAccessToken(`${name}-ci-token`, {
            api, username: ci.account.username, name: `ci-token-r${settings.ciTokenRotation}`, scopes: CI_TOKEN_SCOPES,
        }, { parent: this });
        new GiteaActionsSecret(`${name}-ci-token-secret`, {
            api, owner: repo.owner, repo: repo.name, name: CI_TOKEN_SECRET, value: ciToken.token,
        }, { parent: this, dependsOn: ci.access });

        const firstCommit = new GiteaInitialCommit(`${name}-first-commit`, {
            api, owner: repo.owner, repo: repo.name, branch: repo.defaultBranch,
            message: "GitOps repository: rendered manifests and workflows (pushed once by the platform stack; later changes by pull request)",
            files,
        }, { parent: this });
        // After the first commit (the administrator writes it) and the pipeline's write access (the allowlist needs it).
        new GiteaBranchProtection(`${name}-main-protection`, {
            api, owner: repo.owner, repo: repo.name, branch: repo.defaultBranch,
            pushAllowlist: [ci.account.username],
            requiredStatusChecks: settings.requiredStatusChecks,
            requiredApprovals: settings.requiredApprovals,
        }, { parent: this, dependsOn: [firstCommit, ci.access] });

        const runnerToken = new GiteaRunnerRegistrationToken(`${name}-runner-token`, { api, org: org.name }, { parent: this });

        this.organization = org.name;
        this.repository = pulumi.interpolate`${repo.owner}/${repo.name}`;
        this.argocdUsername = argocd.account.username;
        this.argocdToken = argocdToken.token;
        this.runnerRegistrationToken = runnerToken.token;
        this.registerOutputs({
            organization: this.organization,
            repository: this.repository,
            argocdUsername: this.argocdUsername,
            argocdToken: this.argocdToken,
            runnerRegistrationToken: this.runnerRegistrationToken,
        });
    }
}

/**
 * The files of the first commit, read now (sorted, '/'-separated repository paths, base64 bytes). A missing
 * source or two sources that land on one path stop the program before anything is created.
 */
export function repositoryFiles(sources: ContentSource[]): RepositoryFile[] {
    const byPath = new Map<string, RepositoryFile>();
    for (const source of sources) {
        const local = path.resolve(source.from);
        if (!fs.existsSync(local)) {
            throw new Error(`Gitea first commit: ${local} does not exist (it should hold ${source.to}; run 'npm run release -- --render' for the rendered manifests)`);
        }
        const entries = fs.statSync(local).isDirectory()
            ? walk(local).map((file) => ({ file, to: path.posix.join(source.to, path.relative(local, file).split(path.sep).join("/")) }))
            : [{ file: local, to: source.to }];
        for (const { file, to } of entries) {
            if (byPath.has(to)) {
                throw new Error(`Gitea first commit: two sources write ${to}; each repository path may come from one file only`);
            }
            byPath.set(to, { path: to, content: fs.readFileSync(file).toString("base64") });
        }
    }
    return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** Every file under `dir`, depth first. */
function walk(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? walk(full) : [full];
    });
}
