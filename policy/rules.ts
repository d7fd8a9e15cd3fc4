// Copyright 2026, airgap-platform authors.
//
// Every rule of the pack, in the order the README lists them. The CrossGuard pack (policies.ts) and
// the engine (engine.ts) both take their rules from here.

import * as argo from "./argoproj";
import { horizontalPodAutoscalerEnforceRolloutTarget } from "./autoscaling";
import { Rule } from "./lib/rule";
import { stackEnforceCrdDependency } from "./stack";
import { workloadEnforceInternalImage } from "./workloads";

export const rules: ReadonlyArray<Rule<any>> = [
    // Rollout
    argo.rolloutEnforceSingleStrategy,
    argo.rolloutEnforceStrategyServices,
    argo.rolloutEnforceSingleStepKind,
    argo.rolloutEnforceWeightProgression,
    argo.rolloutEnforceAnalysisGate,
    argo.rolloutEnforceControllerValidation,
    argo.rolloutEnforceTemplateReferences,
    argo.rolloutEnforceServiceSelection,
    argo.rolloutConfigureRevisionHistoryLimit,
    argo.rolloutConfigureProgressDeadlineAbort,
    argo.rolloutDisallowIndefinitePause,
    argo.rolloutConfigureScaleDownDelay,
    // AnalysisTemplate and ClusterAnalysisTemplate
    argo.analysisTemplateDisallowIndefiniteMetric,
    argo.analysisTemplateEnforceFailureLimit,
    argo.analysisTemplateEnforceMetricLimits,
    argo.analysisTemplateEnforceConditionSyntax,
    argo.analysisTemplateEnforceEmptyResultGuard,
    argo.analysisTemplateEnforcePrometheusAddress,
    argo.analysisTemplateEnforceNanGuard,
    argo.analysisTemplateDisallowLenientFailureLimit,
    argo.analysisTemplateEnforceCanarySelection,
    // Workloads and autoscaling
    workloadEnforceInternalImage,
    horizontalPodAutoscalerEnforceRolloutTarget,
    // Argo CD
    argo.applicationDisallowDefaultProject,
    argo.applicationEnforceInternalRepo,
    argo.applicationEnforceFixedChartVersion,
    argo.applicationEnforceCrdSyncOrder,
    argo.applicationEnforceCrdIgnoreDifferences,
    // Stack
    stackEnforceCrdDependency,
];
