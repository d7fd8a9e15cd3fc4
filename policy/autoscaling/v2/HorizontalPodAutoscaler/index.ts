// Copyright 2026, airgap-platform authors.

export * from "./enforce-rollout-target";
