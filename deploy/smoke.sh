#!/usr/bin/env bash
# Smoke test of the topology deploy/up.sh brought up (see deploy/smoke.py for what it checks).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python deploy/smoke.py "$@"
