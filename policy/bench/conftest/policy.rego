# Seven of the pack's rules in Rego, for the benchmark's conftest run (`conftest test --policy` this
# folder). Each is the core of the rule it is named after, on one object at a time, which is what
# conftest evaluates; the pack's own rules check more (see policy/README.md).
package main

import rego.v1

registry := "192.168.2.2:5000/"

repo_prefixes := ["http://192.168.2.2:30300/", "http://gitea-http.gitea.svc.cluster.local:3000/", "oci://192.168.2.2:5000/", "192.168.2.2:5000/"]

workload_kinds := {"Rollout", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

pod_spec := input.spec.template.spec if input.kind != "CronJob"

containers contains c if {
	workload_kinds[input.kind]
	some c in pod_spec.containers
}

containers contains c if {
	workload_kinds[input.kind]
	some c in pod_spec.initContainers
}

name := sprintf("%s/%s/%s", [input.kind, object.get(input.metadata, "namespace", "-"), input.metadata.name])

# workload-enforce-internal-image
deny contains msg if {
	some c in containers
	not startswith(c.image, registry)
	msg := sprintf("%s workload-enforce-internal-image: image %q is not on the internal registry %s", [name, c.image, registry])
}

deny contains msg if {
	some c in containers
	startswith(c.image, registry)
	endswith(c.image, ":latest")
	msg := sprintf("%s workload-enforce-internal-image: image %q uses the mutable tag latest", [name, c.image])
}

# application-disallow-default-project
deny contains msg if {
	input.kind == "Application"
	object.get(input.spec, "project", "") in {"", "default"}
	msg := sprintf("%s application-disallow-default-project: spec.project is the default AppProject", [name])
}

# application-enforce-internal-repo
internal_repo(url) if {
	some prefix in repo_prefixes
	startswith(url, prefix)
}

deny contains msg if {
	input.kind == "Application"
	url := input.spec.source.repoURL
	not internal_repo(url)
	msg := sprintf("%s application-enforce-internal-repo: spec.source.repoURL %q is not an internal repository", [name, url])
}

deny contains msg if {
	input.kind == "AppProject"
	some url in input.spec.sourceRepos
	not internal_repo(url)
	msg := sprintf("%s application-enforce-internal-repo: sourceRepos entry %q is not an internal repository", [name, url])
}

# rollout-enforce-weight-progression
weights := [s.setWeight | some s in input.spec.strategy.canary.steps; is_number(s.setWeight)]

deny contains msg if {
	input.kind == "Rollout"
	some i, w in weights
	i > 0
	w < weights[i - 1]
	msg := sprintf("%s rollout-enforce-weight-progression: setWeight %v is lower than the %v before it", [name, w, weights[i - 1]])
}

deny contains msg if {
	input.kind == "Rollout"
	count(weights) > 0
	weights[count(weights) - 1] != 100
	msg := sprintf("%s rollout-enforce-weight-progression: the last setWeight is %v, not 100", [name, weights[count(weights) - 1]])
}

# rollout-configure-revision-history-limit
warn contains msg if {
	input.kind == "Rollout"
	not input.spec.revisionHistoryLimit
	msg := sprintf("%s rollout-configure-revision-history-limit: spec.revisionHistoryLimit is not set", [name])
}

# rollout-configure-progress-deadline-abort
warn contains msg if {
	input.kind == "Rollout"
	object.get(input.spec, "progressDeadlineAbort", false) != true
	msg := sprintf("%s rollout-configure-progress-deadline-abort: spec.progressDeadlineAbort is not true", [name])
}

# analysistemplate-disallow-lenient-failure-limit
warn contains msg if {
	input.kind in {"AnalysisTemplate", "ClusterAnalysisTemplate"}
	some m in input.spec.metrics
	m.count > 0
	m.failureLimit / m.count > 0.5
	msg := sprintf("%s analysistemplate-disallow-lenient-failure-limit: metric %q fails only after %v of %v measurements", [name, m.name, m.failureLimit, m.count])
}
