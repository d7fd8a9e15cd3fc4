// Copyright 2026, airgap-platform authors.
//
// The namespace each component creates for itself, with its deletion bounded.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * How long `pulumi destroy` waits for one of the platform's namespaces to be gone, in seconds. The namespace
 * controller deletes the namespace's content first (13–49 s measured on the local cluster, docs/bootstrap-speed.md);
 * past this bound the kubernetes provider stops waiting ("timed out waiting for the condition") and the destroy
 * fails, instead of waiting the provider's default 10 minutes. What is left is named by the namespace's conditions
 * (NamespaceContentRemaining, NamespaceFinalizersRemaining), not by the provider's warning, which lists
 * metadata.finalizers and a namespace keeps its own in spec. The namespace keeps terminating; the next destroy
 * waits for it again.
 */
export const NAMESPACE_DELETE_TIMEOUT_SECONDS = 180;

/** The kubernetes provider's per-object bound on its waits (create, update and delete), in seconds. */
const TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";

/** A namespace of the platform: the bound is an annotation, so it is in the state and visible in the cluster. */
export function namespaceArgs(name: pulumi.Input<string>, deleteTimeoutSeconds: number = NAMESPACE_DELETE_TIMEOUT_SECONDS): k8s.core.v1.NamespaceArgs {
    return { metadata: { name, annotations: { [TIMEOUT_ANNOTATION]: String(deleteTimeoutSeconds) } } };
}
