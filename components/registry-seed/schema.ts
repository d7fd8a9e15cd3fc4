// Copyright 2026, airgap-platform authors.

import { z } from "zod";

/** Settings of {@link RegistrySeed} (the airgap supply). */
export const registrySeedSchema = z.strictObject({
    /**
     * The lock every image and chart is pinned to (`npm run artifacts:find -- --write` writes it); the program stops
     * if it lacks, or has not resolved, anything the stack names.
     */
    lock: z.string().min(1).default("artifacts.lock.yaml"),
    /** The bundle `npm run bundle` made from that lock (an OCI image layout folder); the seed pushes it. */
    bundle: z.string().min(1).default("airgap-bundle/supply"),
    /** Parallel transfers while seeding. */
    jobs: z.number().int().min(1).max(32).default(4),
});

export type RegistrySeedSettings = z.output<typeof registrySeedSchema>;
