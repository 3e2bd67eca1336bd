#!/usr/bin/env bash
# Regenerate requirements/action.txt, the lock the GitHub Action installs from: the package's
# core, github and ai dependencies plus its build backend, every one pinned with hashes, for
# every Python the package supports. Needs uv (pip install uv) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
uv pip compile pyproject.toml requirements/build.in \
    --extra github --extra ai --universal --python-version 3.10 --generate-hashes \
    --custom-compile-command "bash scripts/lock_action_deps.sh" \
    -o requirements/action.txt
