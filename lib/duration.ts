// Copyright 2026, airgap-platform authors.
//
// Durations in the two notations the platform writes: Go's (Argo Rollouts) and Prometheus's.

/** A positive Go duration as the Argo Rollouts controller parses it (time.ParseDuration), e.g. 1m, 30s, 1m30s. */
export const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/** A Prometheus duration (range selectors, scrape intervals), e.g. 2m, 30s, 1h30m. */
export const PROM_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
