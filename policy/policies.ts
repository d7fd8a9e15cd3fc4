// Copyright 2026, airgap-platform authors.
//
// The pack's CrossGuard policies, one per rule. Kept apart from index.ts, which starts the policy
// server, so that tests can load the policies without serving them.

import { Policies } from "@pulumi/policy";
import { toPolicy } from "./lib/crossguard";
import { rules } from "./rules";

export const policies: Policies = rules.map(toPolicy);
