# The deterministic mode: one guest under single-threaded TCG with -icount
# shift=0,sleep=off (tests/configs/icount.yml), getpid entries timed in two
# passes on every vCPU. Instruction counts are exact, so the two passes
# must agree within 0.5 % on every vCPU (they are usually identical), the
# housekeeping vCPUs must be measured too, and the report must give the
# figures in instructions.
. "$(dirname "$0")/lib.sh"
out=build/test-logs/icount-entry.out
mkdir -p build/test-logs
scripts/campaign --results build/test-results tests/configs/icount.yml >"$out" 2>&1
rc=$?
tail -n 30 "$out"
check "campaign exits 0" test $rc = 0
dir=$(campaign_dir_of "$out")
check "campaign printed its folder" test -n "$dir" -a -d "$dir"
[ -d "$dir" ] || exit 1
r=$dir/runs/baseline-entry-rep1
check "run ok" test "$(jq -r .status "$r/run.json")" = ok
check "run.json records the mode" test "$(jq -r '[.accel, .tcg_threads, .guest_clock] | join(",")' "$r/run.json")" = tcg,single,icount
check "job.json tells the guest" test "$(jq -r .guest_clock "$r/job/job.json")" = icount
check_grep "domain ran QEMU with -icount" "<qemu:arg value='shift=0,sleep=off'/>" "$r/domain.xml"
e=$r/out/entry.json
check "entry.json says icount" test "$(jq -r .guest_clock "$e")" = icount
check "every vCPU measured, isolated and housekeeping" test "$(jq -c '[.results[].cpu] | unique' "$e")" = "[0,1,2,3]"
check "two passes per vCPU" test "$(jq '[.results[] | select(.cpu == 2)] | length' "$e")" = 2
# Per vCPU: the two passes' instructions per entry, and their difference in %.
jq -r '.results | group_by(.cpu)[] | "\(.[0].cpu) \(.[0].instructions_median) \(.[1].instructions_median)"' "$e" |
while read -r cpu a b; do
	pct=$(echo "scale=4; d = $a - $b; if (d < 0) d = -d; d * 100 / $a" | bc)
	echo "cpu $cpu: $a and $b instructions per getpid entry ($pct %)"
	check "cpu $cpu: passes agree within 0.5 %" test "$(echo "$pct < 0.5" | bc)" = 1
	check "cpu $cpu: a plausible count (50..20000)" test "$a" -gt 50 -a "$a" -lt 20000
done
check "the report has the instruction section" grep -q "Bad case in guest instructions" "$dir/report/report.md"
check "the runs table says icount" grep -q "tcg, single-threaded, icount" "$dir/report/report.md"
