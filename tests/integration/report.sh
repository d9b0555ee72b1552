#!/bin/bash
# isolbench-report on real campaign folders: the trimmed copies in
# tests/data/report/ (deterministic checks), then the newest campaign a
# guest test left under build/test-results/. Exit codes, the files, the
# TCG warning, failed runs, gates, --baseline.
. "$(dirname "$0")/lib.sh"
tool=build/bin/isolbench-report
check "isolbench-report builds" make -s $tool
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r tests/data/report/smoke-tcg tests/data/report/hang-tcg tests/data/report/review-tcg "$work/"

# Usage errors: exit 2 with a message.
$tool >/dev/null 2>&1; rc=$?
check "no argument: exit 2" test $rc = 2
msg=$($tool --alpha 5 "$work/smoke-tcg" 2>&1); rc=$?
check "--alpha out of range: exit 2" test $rc = 2
check "and the message names the range" grep -q "from 0.001 to 0.2" <<<"$msg"
msg=$($tool "$work" 2>&1); rc=$?
check "not a campaign folder: exit 2" test $rc = 2
check "and says so" grep -q "is not a campaign folder" <<<"$msg"
check "--help exits 0 and lists the gates" bash -c "$tool --help | grep -q entry_overhead_pct"

# A good two-kernel campaign without gates.
out=$($tool "$work/smoke-tcg" 2>&1); rc=$?
r=$work/smoke-tcg/report
check "smoke: exit 0" test $rc = 0
check "smoke: prints where the report is" grep -q "^report: $r/report.md" <<<"$out"
for f in report.md report.html verdict.json ipi-1.png oslat-1.png; do
	check "smoke: writes $f" test -s "$r/$f"
done
check "smoke: TCG warning at the top" bash -c "head -4 '$r/report.md' | grep -q 'ran under TCG'"
check_grep "smoke: IPI table falls back to /proc/interrupts" "ipi.json not collected" "$r/report.md"
check_grep "smoke: CAL row with both kernels' totals" '^\| CAL \(function call IPIs\) \| 569 \|' "$r/report.md"
check_grep "smoke: rteval statistics header" '\| kernel \| cpu \| samples \| min \| max \| mean \| median \| mode \| stddev \|' "$r/report.md"
check_grep "smoke: oslat max of baseline CPU 2" '^\| baseline \| 2 \| 44390165 \| 1.00 us \| 82.81 ms' "$r/report.md"
check_grep "smoke: one repetition is too few to test" "no significant difference \(n too small" "$r/report.md"
check_grep "smoke: kernel provenance" "series sha256|sha256 c8cd4d0731a53bb6" "$r/report.md"
check_grep "smoke: guest cmdline" "nohz_full=2-3" "$r/report.md"
check_grep "smoke: HTML embeds the plots" 'src="data:image/png;base64,' "$r/report.html"
check "smoke: HTML loads nothing from outside" \
	bash -c "! grep -E -q '(src|href)=\"(https?:)?//' '$r/report.html'"
check "smoke: verdict says no gates" test "$(jq -r .result "$r/verdict.json")" = "no gates"

# Gates: one passes, one fails -> exit 1, verdict.json lists both.
jq '.gates = {failed_runs: 0, oslat_max_us_patched: 1}' "$work/smoke-tcg/campaign.json" \
	>"$work/c.json" && mv "$work/c.json" "$work/smoke-tcg/campaign.json"
out=$($tool -q "$work/smoke-tcg" 2>&1); rc=$?
check "a failing gate: exit 1" test $rc = 1
check "verdict: result fail" test "$(jq -r .result "$r/verdict.json")" = fail
check "verdict: failed_runs passes with value 0" \
	test "$(jq -c '.gates[] | select(.name == "failed_runs") | [.value, .pass]' "$r/verdict.json")" = "[0,true]"
check "verdict: oslat_max_us_patched fails" \
	test "$(jq '.gates[] | select(.name == "oslat_max_us_patched") | .pass' "$r/verdict.json")" = false
check_grep "report: verdict table" '^\| oslat_max_us_patched \| .* \| FAIL \|' "$r/report.md"

# An unknown gate is an error naming the known ones.
jq '.gates = {no_such_gate: 1}' "$work/smoke-tcg/campaign.json" >"$work/c.json" &&
	mv "$work/c.json" "$work/smoke-tcg/campaign.json"
msg=$($tool -q "$work/smoke-tcg" 2>&1); rc=$?
check "unknown gate: exit 2" test $rc = 2
check "and the known gates are listed" grep -q "known gates: failed_runs, deferrable_ipis_patched" <<<"$msg"
check "verdict: result error" test "$(jq -r .result "$r/verdict.json")" = error

# A campaign whose runs all timed out still gets a report that says so.
$tool -q "$work/hang-tcg"; rc=$?
check "hang: exit 0 (no gates)" test $rc = 0
check_grep "hang: failed runs warned about" "2 of 2 runs did not end ok" "$work/hang-tcg/report/report.md"
check_grep "hang: status and reason of a run" '\| timeout \|.*did not power off within 32 s' "$work/hang-tcg/report/report.md"
jq '.gates = {failed_runs: 0}' "$work/hang-tcg/campaign.json" >"$work/c.json" &&
	mv "$work/c.json" "$work/hang-tcg/campaign.json"
$tool -q "$work/hang-tcg"; rc=$?
check "hang: failed_runs gate fails (exit 1)" test $rc = 1

# Two campaigns: the baseline kernel from one, the patched from the other.
cp -r tests/data/report/smoke-tcg "$work/other"
$tool -q --baseline "$work/other" --kernels baseline,patched -o "$work/two" "$work/hang-tcg/../other"; rc=$?
check "--baseline: exit 0" test $rc = 0
check_grep "--baseline: names the baseline campaign" "baseline campaign $work/other" "$work/two/report.md"
check "--baseline: verdict.json names it" test "$(jq -r .baseline_campaign "$work/two/verdict.json")" = "$work/other"
msg=$($tool -q --kernels baseline,nosuch "$work/smoke-tcg" 2>&1); rc=$?
check "--kernels with an unknown kernel: exit 2" test $rc = 2

# Break-even on the review campaign (rep 1 of each case: oslat with
# hackbench, oslat with provoked IPIs, entry sweep). The plain good case
# has no deferrable IPIs; the saving must come from the provoked one.
$tool -q --ipi-cost-ns 2000 "$work/review-tcg"; rc=$?
be=$(grep -a '^Break-even:' "$work/review-tcg/report/report.md")
check "review: exit 0" test $rc = 0
check "review: break-even computed from the provoked case ($be)" \
	grep -q 'saving 102 IPIs per CPU-second (from provoked) at 2000 ns each (--ipi-cost-ns)' <<<"$be"
check "review: 102 per second is the statistics table's provoked saving, 6.09e+03 per CPU-minute / 60" \
	grep -q '^| provoked: deferrable IPIs per CPU-minute | 7.26e+03 | 1.17e+03 | -6.09e+03 |' \
	"$work/review-tcg/report/report.md"
$tool -q -o "$work/review-noc" "$work/review-tcg"
check "review without --ipi-cost-ns under TCG: not computed, and says why" \
	grep -q "^Break-even: not computed, because the cost of one IPI is not known" "$work/review-noc/report.md"

# The deterministic mode (configs/deterministic.yml under -icount): exact
# instructions per entry, per IPI, and the break-even from those counts.
cp -r tests/data/report/deterministic-tcg "$work/"
$tool -q "$work/deterministic-tcg"; rc=$?
det=$work/deterministic-tcg/report
check "deterministic: gates pass (exit 0)" test $rc = 0
check "deterministic: the instruction section" grep -q '^## Bad case in guest instructions (icount mode)' "$det/report.md"
check "deterministic: getpid on isolated vCPUs, 517 -> 535 in both repetitions" \
	grep -q '^| entry-getpid | getpid | isolated | 517.0 \[517.0, 517.0\] (2 runs, spread 0.000 %) | 535.0 \[535.0, 535.0\] (2 runs, spread 0.000 %) | 18.0 |' "$det/report.md"
check "deterministic: housekeeping vCPUs unchanged (the control)" \
	grep -q '^| entry-getpid | getpid | housekeeping | 317.0 .* | 317.0 .* | 0.0 |' "$det/report.md"
check "deterministic: page faults too" grep -q '^| entry-pagefault | pagefault | isolated | 6091.0 .* | 6109.0 .* | 18.0 |' "$det/report.md"
check "deterministic: instructions per IPI" grep -q 'in instructions: baseline 1104.0 \[1104.0, 1104.0\]' "$det/report.md"
check "deterministic: break-even per saved IPI" grep -q '1104.0 / 18.0 = 61.3 times per IPI' "$det/report.md"
check "deterministic: break-even rate from the provoked case" \
	grep -q 'break-even entry rate is 1104.0 x 63.1 / 18.0 = 3870 entries per second' "$det/report.md"
check "deterministic: the runs say icount" grep -q 'tcg, single-threaded, icount' "$det/report.md"
check "deterministic: the delta gate measured 18" \
	test "$(jq -c '.gates[] | select(.name == "entry_instr_delta_max") | [.value, .pass]' "$det/verdict.json")" = '[18,true]'
jq '.gates = {entry_instr_delta_max: 10}' "$work/deterministic-tcg/campaign.json" >"$work/c.json" &&
	mv "$work/c.json" "$work/deterministic-tcg/campaign.json"
$tool -q "$work/deterministic-tcg"; rc=$?
check "deterministic: a delta gate below 18 fails (exit 1)" test $rc = 1
check "icount figures stay out of campaigns without icount runs" \
	sh -c "! grep -q 'Bad case in guest instructions' $work/smoke-tcg/report/report.md"

# The newest campaign a guest test wrote (guest-campaign.sh runs before this).
latest=$(ls -dt build/test-results/*/ 2>/dev/null | while read -r d; do
	[ -f "$d/campaign.json" ] && [ -d "$d/runs" ] && { echo "${d%/}"; break; }; done)
if [ -z "$latest" ]; then
	echo "FAIL: no campaign folder to report on (run tests/integration/guest-campaign.sh first)"
else
	$tool -q -o "$work/latest" "$latest"; rc=$?
	check "newest campaign $(basename "$latest"): report written (exit 0 or 1)" test $rc -lt 2
	check "newest campaign: report.md" test -s "$work/latest/report.md"
	check "newest campaign: verdict.json is JSON" jq -e .result "$work/latest/verdict.json" >/dev/null
fi
