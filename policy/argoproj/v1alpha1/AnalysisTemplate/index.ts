// Copyright 2026, airgap-platform authors.

export * from "./disallow-indefinite-metric";
export * from "./enforce-failure-limit";
export * from "./enforce-metric-limits";
export * from "./enforce-condition-syntax";
export * from "./enforce-empty-result-guard";
export * from "./enforce-prometheus-address";
export * from "./enforce-nan-guard";
export * from "./disallow-lenient-failure-limit";
export * from "./enforce-canary-selection";
