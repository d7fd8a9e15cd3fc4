// Copyright 2026, airgap-platform authors.

export * from "./v2";
