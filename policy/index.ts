// Copyright 2026, airgap-platform authors.
//
// Entry point of the policy pack: `pulumi preview --policy-pack policy`. It only builds the pack.

import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("airgap-platform", {
    description: "Checks the Argo Rollouts, Argo CD and workload resources of the air-gapped delivery platform against what the controllers accept and the platform's rules.",
    policies,
});
