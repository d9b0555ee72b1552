# A short real campaign (tests/configs/stacks.yml, both kernels): the
# provoked case with the ipi-stacks collector, a cyclictest case and a
# short entry case. Checks the sender stacks in ipi.json (text patching
# behind do_sync_core, vmalloc/set_memory behind the kernel TLB flushes),
# cyclictest.json, perf's answer in job-record.json (counters under KVM,
# "not available" with a reason under TCG), and the report's sections;
# then the report's perf rows on a copy with hand-written perf.csv files.
. "$(dirname "$0")/lib.sh"
out=build/test-logs/stacks-cyclictest.out
scripts/campaign --results build/test-results tests/configs/stacks.yml >"$out" 2>&1
rc=$?
tail -n 30 "$out"
check "campaign exits 0" test $rc = 0
dir=$(campaign_dir_of "$out")
check "campaign printed its folder" test -n "$dir" -a -d "$dir"
[ -d "$dir" ] || exit 1
accel=$(jq -r .accel "$dir/hosts/localhost.json")
for r in "$dir"/runs/*/; do
	check "$(basename "$r"): status ok" test "$(jq -r .status "$r/run.json")" = ok
done

# Sender stacks: the collector ran with --stack and wrote top stacks per callback.
for k in baseline patched; do
	o=$dir/runs/$k-provoked-rep1/out
	check "$k provoked: ipi collector ran with --stack" \
		bash -c "jq -e '.tasks[] | select(.name == \"ipi\") | .argv | index(\"--stack\")' '$o/job-record.json' >/dev/null"
	check "$k provoked: ipi.json has stacks per callback" \
		test "$(jq '.stacks | length' "$o/ipi.json")" -gt 0
	check "$k provoked: every stack has a count and frames" \
		test "$(jq '[.stacks[][] | select(.count < 1 or (.frames | length) < 2)] | length' "$o/ipi.json")" = 0
done
o=$dir/runs/baseline-provoked-rep1/out
frames() { jq -r --arg cb "$1" '.stacks[$cb][]?.frames[]' "$o/ipi.json"; }
check "baseline: do_sync_core has stacks" test -n "$(frames do_sync_core)"
check "baseline: do_sync_core stacks lead back to text patching" \
	bash -c "jq -e '[.stacks.do_sync_core[] | .frames | join(\" \") |
		test(\"text_poke_bp_batch|text_poke_sync|text_poke_finish|static_key|arch_jump_label|kprobe\")] | all' '$o/ipi.json' >/dev/null"
check "baseline: a kernel TLB flush callback has stacks" \
	test -n "$(frames do_flush_tlb_all)$(frames do_kernel_range_flush)"
check "baseline: the TLB flush stacks lead back to vmalloc/vunmap or set_memory" \
	bash -c "jq -e '[(.stacks.do_flush_tlb_all // []) + (.stacks.do_kernel_range_flush // []) | .[] |
		.frames | join(\" \") | test(\"vmap|vunmap|vfree|vm_unmap|set_memory|change_page_attr\")] | all' '$o/ipi.json' >/dev/null"
check "baseline: no tracing frame leads a stack" \
	test "$(jq '[.stacks[][] | .frames[0] | select(test("^trace_event_raw|^__traceiter|^event_triggers"))] | length' "$o/ipi.json")" = 0

# cyclictest on the isolated CPUs, main thread on housekeeping.
for k in baseline patched; do
	o=$dir/runs/$k-cyclictest-hackbench-rep1/out
	check "$k cyclictest: cyclictest.json with one thread per isolated CPU" \
		test "$(jq '[.thread[].cpu] | sort | map(tostring) | join(",")' -r "$o/cyclictest.json")" = 2,3
	check "$k cyclictest: histogram written (-h)" \
		test "$(jq '[.thread[].histogram | length] | min' "$o/cyclictest.json")" -gt 0
	check "$k cyclictest: run with --mainaffinity and -p 95" \
		bash -c "jq -e '.tasks[] | select(.name == \"cyclictest\") | .argv | (index(\"--mainaffinity=0\") and index(\"95\"))' '$o/job-record.json' >/dev/null"
done

# perf around the entry measurement, or why not.
for k in baseline patched; do
	o=$dir/runs/$k-entry-rep1/out
	avail=$(jq -r .perf.available "$o/job-record.json")
	if [ "$accel" = tcg ]; then
		check "$k entry (tcg): job record says perf is not available" test "$avail" = false
		check "$k entry (tcg): and why" bash -c "jq -r .perf.reason '$o/job-record.json' | grep -q 'not supported'"
		check "$k entry (tcg): entry ran without perf" \
			bash -c "jq -e '.tasks[] | select(.name == \"entry\") | .argv[0] == \"isolbench-entry\"' '$o/job-record.json' >/dev/null"
	else
		check "$k entry (kvm): perf available" test "$avail" = true
		check "$k entry (kvm): perf.csv written" test -s "$o/perf.csv"
		check "$k entry (kvm): instructions counted" \
			bash -c "jq -e '.perf.counts.instructions.total > 0' '$o/job-record.json' >/dev/null"
	fi
done

# The report: stacks section, cyclictest section, perf note.
rep=$dir/report/report.md
check "report written" test -s "$rep"
check_grep "report: sender stacks section (appendix)" '^## Appendix: who sends the IPIs that remain' "$rep"
check_grep "report: baseline do_sync_core stacks, seed-style frames" '^callback=do_sync_core \*: [0-9]+ sends' "$rep"
check_grep "report: a text_poke frame" '^  => text_poke_bp_batch\+0x' "$rep"
check_grep "report: stacks marked with the other kernel's count" '^  [0-9]+ x  \((patched: [0-9]+|not on patched)\)' "$rep"
check_grep "report: cyclictest section" '^## Timer wake-ups: cyclictest' "$rep"
check_grep "report: cyclictest statistics for both kernels" '^\| patched \| all \| [0-9]+ \|' "$rep"
check "report: cyclictest plot" test -s "$dir/report/cyclictest-2.png"
# The entry runs miss their asked rates under TCG and flag themselves
# untrustworthy (exit 3), so the report leaves them out; a copy that keeps
# them (report.include_flagged_runs) shows the perf lines.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$dir" "$work/c"
jq '.report = ((.report // {}) + {include_flagged_runs: true})' "$dir/campaign.json" >"$work/c/campaign.json"
if [ "$accel" = tcg ]; then
	build/bin/isolbench-report -q --no-plots "$work/c"
	check_grep "report: perf not available, with the reason" '^perf counters: not available \(no hardware counters' \
		"$work/c/report/report.md"
fi

# The perf rows, from hand-written perf.csv files (documented field order).
for k in baseline patched; do
	n=$(jq '[.results[] | select(.cpu == 2 or .cpu == 3) | .count] | add' "$work/c/runs/$k-entry-rep1/out/entry.json")
	cyc=$([ $k = baseline ] && echo 1000 || echo 1100)
	{
		echo "# started on Wed Nov 25 15:00:00 2026"
		echo
		for cpu in 2 3; do
			echo "CPU$cpu,$((n * cyc * 4)),,cycles,10000000000,100.00,,"
			echo "CPU$cpu,$((n * 3000)),,instructions,10000000000,100.00,0.75,insn per cycle"
			echo "CPU$cpu,$((n * cyc / 2)),,cycles:k,10000000000,100.00,,"
			echo "CPU$cpu,$((n * 600 / 2)),,instructions:k,10000000000,100.00,0.55,insn per cycle"
		done
	} >"$work/c/runs/$k-entry-rep1/out/perf.csv"
done
build/bin/isolbench-report -q --no-plots "$work/c"
check_grep "report: perf row, kernel cycles per entry" \
	'^\| all rates \(perf\) \| [0-9]+ / [0-9]+ entries \| 1000 kernel cycles \| 1100 kernel cycles \| \+10\.0% \|' "$work/c/report/report.md"
check_grep "report: perf row, kernel instructions per entry" \
	'^\| all rates \(perf\) \| .* \| 600 kernel instructions \| 600 kernel instructions \| \+0\.0% \|' "$work/c/report/report.md"
