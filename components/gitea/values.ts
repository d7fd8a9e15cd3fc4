// Copyright 2026, airgap-platform authors.

import * as pulumi from "@pulumi/pulumi";

/** Release name; the chart names its HTTP Service `<release>-http`. */
export const RELEASE = "gitea";
export const HTTP_PORT = 3000;

/** Inputs of {@link giteaValues}. */
export interface GiteaValueArgs {
    image: pulumi.Input<string>;
    rootless: pulumi.Input<boolean>;
    nodePort: number;
    publicHost: string;
    rootUrl: string;
    storageSize: string;
    storageClass?: string;
    adminSecretName: pulumi.Input<string>;
    adminEmail: string;
}

/** Values for the gitea chart (12.x): SQLite profile, NodePort, Actions with local actions, no test pod. */
export function giteaValues(a: GiteaValueArgs) {
    return {
        // fullOverride keeps the registry, path and tag exactly as configured.
        image: { fullOverride: a.image, rootless: a.rootless, pullPolicy: "IfNotPresent" },
        // The test pod's busybox:latest ignores every registry setting.
        test: { enabled: false },
        // One replica on a ReadWriteOnce volume: a surge pod could hang on another node.
        strategy: { type: "Recreate" },
        "postgresql-ha": { enabled: false },
        postgresql: { enabled: false },
        "valkey-cluster": { enabled: false },
        valkey: { enabled: false },
        persistence: { enabled: true, size: a.storageSize, ...(a.storageClass ? { storageClass: a.storageClass } : {}) },
        service: { http: { type: "NodePort", port: HTTP_PORT, nodePort: a.nodePort } },
        gitea: {
            admin: { existingSecret: a.adminSecretName, email: a.adminEmail, passwordMode: "keepUpdated" },
            config: {
                database: { DB_TYPE: "sqlite3" },
                // Without DOMAIN the chart takes ingress.hosts[0] (git.example.com) even with ingress off; without
                // HTTP_PORT the http Service renders an empty targetPort.
                server: { ROOT_URL: `${a.rootUrl}/`, DOMAIN: a.publicHost, SSH_DOMAIN: a.publicHost, HTTP_PORT, OFFLINE_MODE: true },
                // Anonymous visitors of the NodePort see nothing, not even public repositories or users.
                service: { DISABLE_REGISTRATION: true, REQUIRE_SIGNIN_VIEW: true },
                // `self`: workflows resolve `uses:` actions from this Gitea, never from github.com.
                actions: { ENABLED: true, DEFAULT_ACTIONS_URL: "self" },
                "cron.update_checker": { ENABLED: false },
            },
        },
    };
}
