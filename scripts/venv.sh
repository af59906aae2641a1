# Sourced by .ci/run and scripts/demo.sh: a project virtual environment with the package installed
# (non-editable, as users get it), created on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check "${KG_INSTALL_TARGET:-.}"
export PATH="$PWD/.venv/bin:$PATH"
