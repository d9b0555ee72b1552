# A campaign over two hypervisors that are both this machine
# (tests/configs/two-hosts.yml): hv1 runs its guest in the campaign folder,
# hv2 as a remote host would (artifacts staged to its work folder, the run
# folder fetched back). Both runs end in the one campaign folder with one
# summary, each run.json naming its host, and hosts/<host>.json for both,
# with the host-isolation check and its warnings.
. "$(dirname "$0")/lib.sh"
out=build/test-logs/multi-host.out
hv2_work=/var/tmp/isolbench-test-hv2
scripts/campaign --results build/test-results --inventory tests/configs/two-hosts.yml \
	tests/configs/multi-host.yml >"$out" 2>&1
rc=$?
cat "$out"
check "two-host campaign exits 0" test $rc = 0
dir=$(campaign_dir_of "$out")
check "campaign printed its folder" test -n "$dir" -a -d "$dir"
[ -d "$dir" ] || exit 1
campaign=$(basename "$dir")

for h in hv1 hv2; do
	f=$dir/hosts/$h.json
	check "$h: hosts/$h.json written" test -s "$f"
	check "$h: names its accelerator" grep -qxE 'kvm|tcg' <<<"$(jq -r .accel "$f")"
	check "$h: records its pin plan" test "$(jq '.pin_plan.vcpu_host_cpus | length' "$f")" = 4
	check "$h: records which host CPUs back the isolated vCPUs" \
		test -n "$(jq -r '.host_isolation.backing_host_cpus // empty' "$f")"
	check "$h: host_isolation has a warnings list" test "$(jq -r '.host_isolation.warnings | type' "$f")" = array
	# This machine isolates nothing, so the check must say so, in the file and the log.
	if [ -z "$(cat /sys/devices/system/cpu/isolated)" ]; then
		check "$h: warns that the host does not isolate those CPUs" \
			test "$(jq '.host_isolation.isolates == false and
			       any(.host_isolation.warnings[]; test("does not isolate"))' "$f")" = true
		check_grep "$h: the campaign log shows the warning" "WARNING: host $h: .*does not isolate" \
			"$dir/campaign.log"
	fi
done

runs=$(ls -d "$dir"/runs/*/ 2>/dev/null | grep -v attempt)
check "both repetitions ran" test "$(wc -l <<<"$runs")" = 2
for r in $runs; do
	n=$(basename "$r")
	check "$n: status ok" test "$(jq -r .status "$r/run.json")" = ok
	check_grep "$n: console shows the job ran and powered off" 'isolbench-init: done rc=0' "$r/console.log"
	for f in job/job.json domain.xml out/job-record.json out/oslat.json; do
		check "$n: has $f" test -s "$r/$f"
	done
done
rep1=$dir/runs/baseline-oslat-rep1 rep2=$dir/runs/baseline-oslat-rep2
check "repetition 1 ran on hv1" test "$(jq -r .host "$rep1/run.json")" = hv1
check "repetition 2 ran on hv2" test "$(jq -r .host "$rep2/run.json")" = hv2
check_grep "hv1's guest ran in the campaign folder" "<source dir='$rep1/out'/>" "$rep1/domain.xml"
check_grep "hv2's guest ran in hv2's work folder" "<source dir='$hv2_work/runs/$campaign/baseline-oslat-rep2/out'/>" \
	"$rep2/domain.xml"
check_grep "hv2's guest booted the staged kernel" "<kernel>$hv2_work/kernels/" "$rep2/domain.xml"
check "hv2's run folder was fetched back and cleaned up there" \
	test ! -e "$hv2_work/runs/$campaign/baseline-oslat-rep2" -a ! -e "$hv2_work/runs/$campaign/baseline-oslat-rep2.tar.gz"
check "no fetch leftovers in the campaign folder" test -z "$(ls "$dir"/runs | grep -v -E '^baseline-oslat-rep[12]$')"
check_grep "summary has a host line for hv1" '^host hv1:' "$dir/summary.txt"
check_grep "summary has a host line for hv2" '^host hv2:' "$dir/summary.txt"
check_grep "summary counts both runs" '^2 of 2 runs ok' "$dir/summary.txt"
check "no domain of this campaign is left defined" \
	test -z "$(virsh -c qemu:///system list --all --name | grep "isolbench-$campaign")"

# Resuming runs nothing again, whichever host a run is dealt to.
before=$(stat -c %Y "$dir"/runs/*/run.json | md5sum)
log_lines=$(wc -l <"$dir/campaign.log")	# the playbook's lines go to campaign.log
scripts/campaign --resume "$dir" --inventory tests/configs/two-hosts.yml tests/configs/multi-host.yml \
	>"$out.resume" 2>&1
check "resume exits 0" test $? = 0
check "resume skipped both runs" test "$(tail -n +$((log_lines + 1)) "$dir/campaign.log" |
	grep -c 'finished in an earlier attempt, skipped')" = 2
check "resume rewrote no run.json" test "$(stat -c %Y "$dir"/runs/*/run.json | md5sum)" = "$before"

check "an unknown inventory is refused" sh -c \
	"! scripts/campaign --inventory /does/not/exist.yml tests/configs/multi-host.yml 2>/dev/null"
rm -rf "$hv2_work"
