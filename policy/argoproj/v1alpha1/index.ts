// Copyright 2026, airgap-platform authors.

export * from "./Rollout";
export * from "./AnalysisTemplate";
export * from "./Application";
