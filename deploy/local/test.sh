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

# The real-process reliability run (3 silo processes, kill -9, MariaDB restart, full cluster restart, 1,000
# orders; a few minutes) counts as one more test in the summary. PAYGW_RELIABILITY=0 skips it for a quick loop.
if [ "${PAYGW_RELIABILITY:-1}" = 1 ]; then
  bash deploy/reliability/run.sh 2>&1 | tee "$root/.run/reliability-output.log"
  reliability_status=${PIPESTATUS[0]}
  rel_passed=$(grep -Eo '^reliability: [0-9]+ passed' "$root/.run/reliability-output.log" | grep -Eo '[0-9]+' | tail -1)
  rel_failed=$(grep -Eo '^reliability: [0-9]+ passed, [0-9]+ failed' "$root/.run/reliability-output.log" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' | tail -1)
  rel_passed=${rel_passed:-0}
  rel_failed=${rel_failed:-1}
  passed=$((passed + rel_passed))
  failed=$((failed + rel_failed))
  if [ "$reliability_status" -ne 0 ] && [ "$status" -eq 0 ]; then
    status=$reliability_status
  fi
fi
# CI shows only the tail of the output: repeat each failed test's name and message just above the summary.
if grep -Eq '^ +Failed [A-Za-z]' "$log"; then
  echo "failed tests (details in $log):"
  awk '/^ +Failed [A-Za-z]/ {show=12} show > 0 {print; show--}' "$log" | grep -v '^ *at ' | head -80
fi
echo "$passed passed, $failed failed"
exit "$status"
