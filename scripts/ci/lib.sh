# shellcheck shell=bash
# Sourced by the CI steps (scripts/ci/*.sh): the repository root, the Pulumi environment, the state backend
# check, and package.json scripts run as `npm run` runs them (the job image carries no npm).

AIRGAP_CI_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export AIRGAP_CI_REPO

# ci_require_backend: the shared state is a postgres:// backend given by the Actions secret PULUMI_BACKEND_URL.
# A job's own file backend would be thrown away with its container, so in Actions (GITEA_ACTIONS=true) any
# other backend stops the step before Pulumi runs.
ci_require_backend() {
  if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    echo "[ci] PULUMI_BACKEND_URL is not set: pass the repository's Actions secret PULUMI_BACKEND_URL (postgres://user@host:5432/db?sslmode=verify-full) to this step, see docs/pr-previews.md" >&2
    return 1
  fi
  if [ "${GITEA_ACTIONS:-}" = true ] && [ "${PULUMI_BACKEND_URL#postgres://}" = "$PULUMI_BACKEND_URL" ]; then
    echo "[ci] PULUMI_BACKEND_URL must be a postgres:// URL in a job (a file backend dies with the job container)" >&2
    return 1
  fi
}

# ci_stacks: the stacks of CI_STACKS (space- or comma-separated), one per line, each checked as a stack name.
ci_stacks() {
  local s
  for s in $(printf '%s' "${CI_STACKS:-}" | tr ',' ' '); do
    if ! [[ "$s" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$ ]]; then
      echo "[ci] CI_STACKS: '$s' is not a stack name (letters, digits, '-', '_', '.')" >&2
      return 1
    fi
    printf '%s\n' "$s"
  done
}

# ci_package_script NAME [ARG...]: the package.json script NAME with its arguments, as `npm run NAME -- ARG...`.
ci_package_script() {
  local name="$1" script
  shift
  script="$(node -e 'const s = require(process.argv[1]).scripts[process.argv[2]]; if (!s) process.exit(1); process.stdout.write(s)' "$AIRGAP_CI_REPO/package.json" "$name")" || {
    echo "[ci] package.json has no script '$name'" >&2
    return 1
  }
  (cd "$AIRGAP_CI_REPO" && PATH="$AIRGAP_CI_REPO/node_modules/.bin:$PATH" INIT_CWD="$AIRGAP_CI_REPO" sh -c "$script \"\$@\"" "$name" "$@")
}

# ci_pinned PACKAGE: the exact version package.json pins for PACKAGE (dependencies or devDependencies).
ci_pinned() {
  node -e 'const p = require(process.argv[1]); const v = (p.dependencies || {})[process.argv[2]] || (p.devDependencies || {})[process.argv[2]]; if (!v) process.exit(1); process.stdout.write(v)' "$AIRGAP_CI_REPO/package.json" "$1" || {
    echo "[ci] package.json pins no '$1'" >&2
    return 1
  }
}
