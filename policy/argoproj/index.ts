// Copyright 2026, airgap-platform authors.

export * from "./v1alpha1";
