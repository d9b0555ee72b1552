# metrics.json (isolbench-report) and isolbench-compare on the campaign
# folders of tests/data/report/ (real TCG campaigns).
. "$(dirname "$0")/lib.sh"
make -s build/bin/isolbench-report build/bin/isolbench-compare
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r tests/data/report/smoke-tcg tests/data/report/review-tcg "$work/"
for c in smoke-tcg review-tcg; do
	build/bin/isolbench-report -q --no-plots "$work/$c" >/dev/null 2>&1
	m=$work/$c/report/metrics.json
	check "$c: metrics.json written" test -s "$m"
	check "$c: every row has run, kernel, case, metric, a number and a unit" test \
		"$(jq '[.metrics[] | select((.run and .kernel and .case and .metric and .unit and
			(.value | type == "number")) | not)] | length' "$m")" = 0
	check "$c: one run.wall row per run of campaign.json" test \
		"$(jq '[.metrics[] | select(.metric == "run.wall")] | length' "$m")" = \
		"$(jq '.runs | length' "$work/$c/campaign.json")"
done
m=$work/smoke-tcg/report/metrics.json
check "oslat max of baseline CPU 2 is the report's (82.81 ms: 82808000 ns)" test "$(jq '.metrics[] |
	select(.kernel == "baseline" and .metric == "oslat.max" and .cpu == 2) | .value' "$m")" = 82808000
check "irq.CAL counts per isolated CPU, as /proc/interrupts says" test "$(jq -r '[.metrics[] |
	select(.metric == "irq.CAL") | .unit] | unique | join(",")' "$m")" = interrupts
m=$work/review-tcg/report/metrics.json
check "entry rows carry the target rate" test "$(jq '[.metrics[] |
	select(.metric == "entry.cost.p50" and (.rate | type == "number"))] | length > 0' "$m")" = true
out=$(build/bin/isolbench-compare "$work/smoke-tcg" "$work/review-tcg"); rc=$?
check "compare: exit 0" test $rc = 0
check "compare: a header per campaign" test "$(grep -c '^# \[[01]\] ' <<<"$out")" = 2
check "compare: run.wall of baseline changed by +304.1% (33.9 s -> 137 s)" \
	grep -q -E '^ +33\.9 ± +0% +\+304\.1% +137 ± +0%  s  oslat-hackbench baseline run.wall$' <<<"$out"
out=$(build/bin/isolbench-compare "$work/review-tcg" "$work/review-tcg")
check "compare: a campaign against itself shows no change" grep -q 'no metric changed' <<<"$out"
check "compare: --all shows every metric with 0% change" \
	bash -c "build/bin/isolbench-compare --all '$work/review-tcg' '$work/review-tcg' | grep -q '+0.0%'"
build/bin/isolbench-compare "$work/smoke-tcg" "$work/nope" >/dev/null 2>&1; rc=$?
check "compare: a folder without metrics.json: exit 2" test $rc = 2
build/bin/isolbench-compare "$work/smoke-tcg" >/dev/null 2>&1; rc=$?
check "compare: one campaign is a usage error: exit 2" test $rc = 2
# isolbench-summary reads the campaign with the report's loader: its CAL
# column is metrics.json's irq.CAL, run for run, in campaign.json's order.
m=$work/review-tcg/report/metrics.json
sum=$(build/bin/isolbench-summary "$work/review-tcg")
check "summary: one line per run and isolated CPU, in the run matrix's order" test \
	"$(awk '$5 ~ /^[0-9]+$/ && NF >= 9 {print $1 "-" $2 "-rep" $3 "/" $5}' <<<"$sum" | tr '\n' ' ')" = \
	"$(jq -r '.runs[] | .slug as $s | "2 3" | split(" ")[] | ($s + "/" + .)' "$work/review-tcg/campaign.json" | tr '\n' ' ')"
check "summary: CAL per run and CPU is metrics.json's irq.CAL" test \
	"$(awk '$5 ~ /^[0-9]+$/ && NF >= 9 {print $8}' <<<"$sum" | tr '\n' ' ')" = \
	"$(jq -r '.metrics[] | select(.metric == "irq.CAL") | .value' "$m" | tr '\n' ' ')"
