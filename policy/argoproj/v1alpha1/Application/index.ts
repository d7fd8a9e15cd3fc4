// Copyright 2026, airgap-platform authors.

export * from "./disallow-default-project";
export * from "./enforce-internal-repo";
export * from "./enforce-fixed-chart-version";
export * from "./enforce-crd-sync-order";
export * from "./enforce-crd-ignore-differences";
