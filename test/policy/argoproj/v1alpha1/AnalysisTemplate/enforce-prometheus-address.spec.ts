// Copyright 2026, airgap-platform authors.

import { analysisTemplateEnforcePrometheusAddress as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

function withAddress(address: string): any {
    const t = fx.analysisTemplate();
    t.spec.metrics[0].provider.prometheus.address = address;
    return t;
}

describe(rule.name, () => {
    it("passes the platform's Prometheus URL (with or without a trailing slash)", () => {
        assertNoFinding(check(rule, [fx.analysisTemplate()]));
        assertNoFinding(check(rule, [withAddress("http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090/")]));
    });

    it("flags a NodePort address outside the cluster network", () => {
        assertFinding(check(rule, [withAddress("http://192.168.2.2:30090")]), rule.name, "is \"http://192.168.2.2:30090\", which is not an in-cluster Service URL; use the platform's Prometheus");
    });

    it("flags another in-cluster Prometheus than the platform's", () => {
        assertFinding(check(rule, [withAddress("http://prometheus-server.observability.svc:80")]), rule.name, "use the platform's Prometheus, \"http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090\"");
    });

    it("only checks the address is in-cluster when prometheusUrl is empty", () => {
        assertNoFinding(check(rule, [withAddress("http://prometheus-server.observability.svc:80")], { prometheusUrl: "" }));
        assertFinding(check(rule, [withAddress("https://prometheus.example.com")], { prometheusUrl: "" }), rule.name, "not an in-cluster Service URL");
    });
});
