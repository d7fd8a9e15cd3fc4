// Copyright 2026, airgap-platform authors.

import { z } from "zod";
import { chartRef, chartVersion, dnsLabel, giteaUserName, imageRef, quantity } from "../../lib/fields";

const nodePort = z.number().int().min(30000, "must be a NodePort between 30000 and 32767").max(32767, "must be a NodePort between 30000 and 32767");

/** Settings of {@link Gitea}. */
export const giteaSchema = z.strictObject({
    namespace: dnsLabel("namespace").default("gitea"),
    /** Local chart path, or an OCI reference on the internal registry. */
    chart: chartRef,
    /** Exact version of the gitea chart (12.x). */
    chartVersion: chartVersion.default("12.7.0"),
    /** Image path inside the internal registry. The 1.26 line, whose API the content resources are tested against (docs/gitea.md). */
    image: imageRef.default("gitea:1.26.0-rootless"),
    /** NodePort of the web UI and API, 30000-32767. */
    nodePort: nodePort.default(30300),
    /** Host of the NodePort URL (node-1). */
    publicHost: z.string().min(1),
    /** Size of the data volume (SQLite and repositories). */
    storageSize: quantity.default("10Gi"),
    /** Storage class of the data volume, also used by the runners' state volumes; unset, the cluster default. */
    storageClass: z.string().min(1).optional(),
    /** The generated site administrator (`admin` is reserved by Gitea). */
    adminUsername: giteaUserName.refine((u) => u.toLowerCase() !== "admin", {
        message: "'admin' is reserved by Gitea; choose another name",
    }).default("gitea-admin"),
    /** The administrator's e-mail address; its domain is also the machine users'. */
    adminEmail: z.email("must be an e-mail address").default("gitea-admin@airgap.local"),
});

export type GiteaSettings = z.output<typeof giteaSchema>;
