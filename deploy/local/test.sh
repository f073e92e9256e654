#!/usr/bin/env bash
# Runs every test against a real local MariaDB (installed and started if needed) and ends with one line
# "N passed, N failed". Exit status is non-zero when any test fails or the build breaks.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

bash deploy/local/db.sh || { echo "0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC1091
source .run/db.env
export PAYGW_DB_SERVER

log="$root/.run/test-output.log"
dotnet test Orleans.sln -c Release --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary per test project; add them up.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the test host failed before reporting
fi
echo "$passed passed, $failed failed"
exit "$status"
