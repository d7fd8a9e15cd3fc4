// Copyright 2026, airgap-platform authors.
//
// Finds the image references in chart values and pod specs, whatever shape each chart uses.

/** Image references in Helm values: `image: "ref"`, `{fullOverride}`, `{registry, repository, tag|sha}` or `{repository, tag}`. */
export function imagesInChartValues(values: any): string[] {
    const found: string[] = [];
    const visit = (node: any, key: string) => {
        if (Array.isArray(node)) {
            node.forEach((n) => visit(n, key));
            return;
        }
        if (!node || typeof node !== "object") {
            return;
        }
        if (key === "image" && typeof node === "object") {
            const ref = imageFromObject(node);
            if (ref) {
                found.push(ref);
                return;
            }
        }
        for (const [k, v] of Object.entries(node)) {
            visit(v, k);
        }
    };
    visit(values, "");
    return found;
}

function imageFromObject(image: any): string | undefined {
    if (typeof image.fullOverride === "string") {
        return image.fullOverride;
    }
    if (typeof image.repository !== "string") {
        return undefined;
    }
    const name = image.registry ? `${image.registry}/${image.repository}` : image.repository;
    if (image.sha) {
        return `${name}@sha256:${image.sha}`;
    }
    return image.tag === undefined ? name : `${name}:${image.tag}`;
}

/** Images of every container and init container in workload inputs. */
export function imagesInPodSpecs(workloads: any[]): string[] {
    return workloads.flatMap((w) => {
        const pod = w.spec?.template?.spec ?? w.spec?.jobTemplate?.spec?.template?.spec ?? {};
        return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].map((c: any) => c.image);
    });
}
