#!/usr/bin/env bash
# The main job on the bundled sample: load it into the embedded on-disk store and answer research questions.
set -euo pipefail
source "$(dirname "$0")/venv.sh"
export KG_STORE="${KG_STORE:-$PWD/kg-store}"
kg load data/samples/
echo
echo "== How do the 三公 expenses compare with their budget? (kg query three-public-expenses)"
kg query three-public-expenses
echo
echo "== Do the tables add up? 表03's lowest-level subjects against its stated total (kg query leaf-subject-sum)"
kg query leaf-subject-sum
echo
echo "== Which units under-executed their budgets? (kg query under-executed-units --param threshold=0.9)"
kg query under-executed-units --param threshold=0.9
echo
echo "== Reconciliation findings (kg check)"
kg check | grep -v "^tolerated"
