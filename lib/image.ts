// Copyright 2026, airgap-platform authors.
//
// Container image references (`[registry/]repository[:tag][@digest]`), parsed in one place.

/** A repository path: lowercase components separated by '/', each joined by '.', '_' or '-'. */
export const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
/** An image tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** The only digest the platform pins with. */
export const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A parsed image reference; `registry` is absent when the reference names none. */
export interface ParsedImage {
    registry?: string;
    repository: string;
    tag?: string;
    digest?: string;
}

/** A parsed image reference on a known registry. */
export interface ImageRef extends ParsedImage {
    /** The registry host:port. */
    registry: string;
}

/**
 * Splits a reference. The first path component is a registry when it looks like a host (has a '.' or a ':',
 * or is `localhost`), as Docker reads it; the tag is what follows the last ':' of the rest.
 */
export function parseImage(value: string): ParsedImage {
    const slash = value.indexOf("/");
    const first = slash === -1 ? "" : value.slice(0, slash);
    const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
    const rest = hasRegistry ? value.slice(slash + 1) : value;
    const at = rest.indexOf("@");
    const namePart = at === -1 ? rest : rest.slice(0, at);
    const colon = namePart.lastIndexOf(":");
    return {
        ...(hasRegistry ? { registry: first } : {}),
        repository: colon === -1 ? namePart : namePart.slice(0, colon),
        tag: colon === -1 ? undefined : namePart.slice(colon + 1),
        digest: at === -1 ? undefined : rest.slice(at + 1),
    };
}

/**
 * Resolves a configured image against the internal registry. Paths (`argoproj/argocd:v3.4.4`) get the
 * registry prefixed; a full reference keeps its own (and must name that registry, see imageProblems).
 */
export function resolveImage(value: string, registry: string): ImageRef {
    const { registry: named, repository, tag, digest } = parseImage(value);
    return { registry: named ?? registry, repository, tag, digest };
}

/** `registry/repository:tag`, `registry/repository@digest`, or both (`:tag@digest`) when both are known. */
export function imageString(ref: ImageRef): string {
    return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** Problems with one configured image (on `registry`, pinned by a tag other than latest or a digest), as messages without the key. */
export function imageProblems(value: string, registry: string): string[] {
    const ref = resolveImage(value, registry);
    const problems: string[] = [];
    if (ref.registry !== registry) {
        problems.push(`must come from the internal registry ${registry}, not ${ref.registry} (write the path inside the registry, e.g. argoproj/argocd:v3.4.4)`);
    }
    if (!IMAGE_REPOSITORY.test(ref.repository)) {
        problems.push(`'${ref.repository}' is not a valid repository path (lowercase letters, digits, '.', '_', '-' and '/')`);
    }
    if (ref.digest !== undefined) {
        if (!IMAGE_DIGEST.test(ref.digest)) {
            problems.push(`digest '${ref.digest}' must be sha256: followed by 64 hex digits`);
        }
    } else if (ref.tag === undefined || ref.tag === "") {
        problems.push(`'${value}' has no tag: pin a version tag (e.g. :v1.9.0) or a digest`);
    } else if (ref.tag === "latest") {
        problems.push(`'${value}' uses the floating tag 'latest': pin a version tag or a digest`);
    } else if (!IMAGE_TAG.test(ref.tag)) {
        problems.push(`tag '${ref.tag}' is not a valid image tag`);
    }
    return problems;
}
