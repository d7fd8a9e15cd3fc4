// Copyright 2026, airgap-platform authors.

export * from "./enforce-single-strategy";
export * from "./enforce-strategy-services";
export * from "./enforce-single-step-kind";
export * from "./enforce-weight-progression";
export * from "./enforce-analysis-gate";
export * from "./enforce-controller-validation";
export * from "./enforce-template-references";
export * from "./enforce-service-selection";
export * from "./configure-revision-history-limit";
export * from "./configure-progress-deadline-abort";
export * from "./disallow-indefinite-pause";
export * from "./configure-scale-down-delay";
