# A real campaign: both kernels built (or taken from the cache), booted in
# pinned libvirt guests, oslat on the isolated vCPUs with hackbench on the
# housekeeping ones; then the results folder is checked, and a resume of the
# same campaign must change nothing.
. "$(dirname "$0")/lib.sh"
out=build/test-logs/guest-campaign.out
scripts/campaign --results build/test-results tests/configs/smoke.yml >"$out" 2>&1
rc=$?
cat "$out"
check "campaign exits 0" test $rc = 0
dir=$(campaign_dir_of "$out")
check "campaign printed its folder" test -n "$dir" -a -d "$dir"
[ -d "$dir" ] || exit 1
for f in config.yml campaign.json kernels.json image.json hosts/localhost.json summary.txt timing.json \
	kernels/baseline.json kernels/patched.json kernels/baseline.config; do
	check "campaign has $f" test -s "$dir/$f"
done
accel=$(jq -r .accel "$dir/hosts/localhost.json")
check "host facts name the accelerator ($accel)" grep -qxE 'kvm|tcg' <<<"$accel"
check "host facts name the emulator" grep -q QEMU "$dir/hosts/localhost.json"
check "patched kernel carries the series" test "$(jq '.patches | length' "$dir/kernels/patched.json")" -gt 0
for r in "$dir"/runs/*/; do
	n=$(basename "$r")
	check "$n: status ok" test "$(jq -r .status "$r/run.json")" = ok
	check "$n: run.json says the accelerator" test "$(jq -r .accel "$r/run.json")" = "$accel"
	check_grep "$n: console shows the job ran and powered off" 'isolbench-init: done rc=0' "$r/console.log"
	check_grep "$n: guest booted with nohz_full" 'nohz_full=2-3' "$r/console.log"
	for f in job/job.json domain.xml out/job-record.json out/interrupts.before out/interrupts.after \
		out/softirqs.before out/softirqs.after out/oslat.json; do
		check "$n: has $f" test -s "$r/$f"
	done
	check "$n: oslat measured both isolated CPUs" \
		test "$(jq '[.thread[]?.cpu] | sort | join(",")' "$r/out/oslat.json" 2>/dev/null)" = '"2,3"'
	check "$n: only oslat ran on the isolated CPUs" \
		test -z "$(jq -r '.user_tasks_seen_on_isolated[] | select(.comm != "oslat") | .comm' "$r/out/job-record.json")"
	check "$n: the runner saw oslat's steady state ($(jq -c .steady_window "$r/out/job-record.json"))" \
		test "$(jq '.steady_window.duration_s > 0' "$r/out/job-record.json")" = true
	check "$n: hackbench ran on housekeeping only" \
		test "$(jq -r '.tasks[] | select(.name == "hackbench") | .cpus' "$r/out/job-record.json")" = 0-1
	check "$n: every vCPU is pinned in the domain" test "$(grep -c '<vcpupin' "$r/domain.xml")" = 4
done
check_grep "summary has the baseline row" '^baseline +oslat-hackbench' "$dir/summary.txt"
check_grep "summary has the patched row" '^patched +oslat-hackbench' "$dir/summary.txt"

# Running it again changes nothing but the log: every run is skipped.
before=$(stat -c %Y "$dir"/runs/*/run.json | sort | md5sum)
# The playbook's own lines go to campaign.log (the terminal shows progress):
# count those the resume added.
log_lines=$(wc -l <"$dir/campaign.log")
scripts/campaign --resume "$dir" tests/configs/smoke.yml >"$out.resume" 2>&1
check "resume exits 0" test $? = 0
check "resume skipped every run" test "$(tail -n +$((log_lines + 1)) "$dir/campaign.log" |
	grep -c 'finished in an earlier attempt, skipped')" = "$(ls -d "$dir"/runs/*/ | wc -l)"
check "resume rewrote no run.json" test "$(stat -c %Y "$dir"/runs/*/run.json | sort | md5sum)" = "$before"
check "no domain of this campaign is left defined" \
	test -z "$(virsh -c qemu:///system list --all --name | grep -F "isolbench-$(basename "$dir" | cut -c1-40)-")"
