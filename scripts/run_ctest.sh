#!/usr/bin/env bash
# Runs ctest on BUILD_DIR (-j2) and prints "stage tests: N s" (the name is
# EMBER_STAGE_NAME when set). ctest's output
# streams as it runs, except its summary line ("100% tests passed, 0 tests
# failed out of N"), which is held back and printed last. Exits with ctest's
# status. Usage: scripts/run_ctest.sh BUILD_DIR [extra ctest args...]
set -euo pipefail

build_dir=$1
shift
summary_re='^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+'

stage_start=$SECONDS
ctest_log=$(mktemp)
trap 'rm -f "$ctest_log"' EXIT
set +e
ctest --test-dir "$build_dir" --output-on-failure -j2 "$@" 2>&1 | tee "$ctest_log" |
  grep --line-buffered -v -E "$summary_re"
status=${PIPESTATUS[0]}
set -e
echo "stage ${EMBER_STAGE_NAME:-tests}: $((SECONDS - stage_start)) s"
summary=$(grep -E "$summary_re" "$ctest_log" | tail -n 1 || true)
if [[ -n "$summary" ]]; then
  echo "$summary"
else
  echo "ctest printed no summary (exit status $status)"
  [[ $status -ne 0 ]] || status=1
fi
exit "$status"
