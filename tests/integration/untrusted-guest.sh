# What a hostile guest or a hostile name could do to the host, with a stub
# in place of virsh (no guest boots): every value reaches virsh as one
# argument, an earlier attempt's QEMU crash is not read as this attempt's,
# a virsh error is not "shut off", and a run folder fetched from a remote
# hypervisor comes back only as plain files and folders.
. "$(dirname "$0")/lib.sh"
work=$top/build/test-logs/untrusted-guest
rm -rf "$work"; mkdir -p "$work/logs"
export PATH="$top/tests/integration/files/stub:$PATH" VIRSH_STUB_LOG="$work/virsh.calls"
export ISOLBENCH_QEMU_LOG_DIR="$work/logs"

# Names with shell syntax stay single arguments (no shell evaluates them).
run="$work/runs/a run \$(touch $work/pwned)"
mkdir -p "$run/out"
echo '<domain/>' >"$run/domain.xml"
dom='isolbench-x;touch '"$work"'/pwned'
check "start-guest runs" sh -c "scripts/start-guest test:///default '$dom' '$run' >'$work/start.out'"
check "  printed the start time" grep -q -E '^[0-9]+\.[0-9]+$' "$work/start.out"
check "  virsh got the domain name as one argument" \
	grep -q -F -x -e "-c|test:///default|start|--|$dom" "$work/virsh.calls"
check "  virsh got the XML path as one argument" \
	grep -q -F -x -e "-c|test:///default|define|--|$run/domain.xml" "$work/virsh.calls"
check "  nothing was run from the names" test ! -e "$work/pwned"

# --resume after a QEMU crash: libvirt appends every attempt to one log.
dom=isolbench-resume-baseline-oslat-rep1
printf '%s\n' '2026-12-01 10:00:00.000+0000: starting up libvirt version: 11.3.0' \
	'2026-12-01 10:00:09.000+0000: shutting down, reason=crashed' >"$work/logs/$dom.log"
rm -rf "$work/r1"; mkdir -p "$work/r1/out"; echo '<domain/>' >"$work/r1/domain.xml"
VIRSH_STUB_QEMU_LOG_LINE='2026-12-01 11:00:00.000+0000: starting up libvirt version: 11.3.0' \
	scripts/start-guest test:///default "$dom" "$work/r1" >/dev/null
echo '2026-12-01 11:00:30.000+0000: shutting down, reason=shutdown' >>"$work/logs/$dom.log"
check "stop-guest keeps the log" sh -c "scripts/stop-guest test:///default $dom '$work/r1' >'$work/stop.out'"
check "  of this attempt only (no earlier reason=crashed)" \
	sh -c "! grep -q reason=crashed '$work/r1/qemu.log' && grep -q reason=shutdown '$work/r1/qemu.log'"
check "  said the guest was not running" test "$(head -n1 "$work/stop.out")" = "shut off"
: >"$work/logs/$dom.log"   # rotated: smaller than the offset
echo '2026-12-01 12:00:00.000+0000: shutting down, reason=crashed' >>"$work/logs/$dom.log"
scripts/stop-guest test:///default "$dom" "$work/r1" >/dev/null
check "  a rotated log is read from its start" grep -q reason=crashed "$work/r1/qemu.log"

# wait-guest: a virsh error is not "shut off".
VIRSH_STUB_FAIL=1 timeout 60 scripts/wait-guest test:///default "$dom" "$(date +%s)" 300 \
	>"$work/wait-fail.out" 2>&1
rc=$?
check "wait-guest: virsh failing for 10 s is an error (exit 3), not a shut-off guest" test "$rc" = 3
check_grep "  and says so" 'virsh cannot tell the state' "$work/wait-fail.out"
VIRSH_STUB_STATE="shut off" scripts/wait-guest test:///default "$dom" "$(date +%s)" 300 >/dev/null 2>&1
check "wait-guest: shut off is exit 0" test $? = 0
VIRSH_STUB_STATE=running scripts/wait-guest test:///default "$dom" "$(date +%s)" 1 >/dev/null 2>&1
check "wait-guest: still running at the timeout is exit 124" test $? = 124

# A run folder fetched from a remote hypervisor (scripts/unpack-run).
pack() { # pack NAME: tar up $work/src-NAME
	tar -C "$work/src-$1" -czf "$work/$1.tar.gz" .
}
for kind in fifo symlink setuid hardlink plain; do
	mkdir -p "$work/src-$kind/out"
	echo '{"status": "ok"}' >"$work/src-$kind/out/job-record.json"
done
mkfifo "$work/src-fifo/out/oslat.json"
ln -s /etc/shadow "$work/src-symlink/out/oslat.json"
cp "$work/src-setuid/out/job-record.json" "$work/src-setuid/out/sh"; chmod 4755 "$work/src-setuid/out/sh"
ln "$work/src-hardlink/out/job-record.json" "$work/src-hardlink/out/link"
for kind in fifo symlink setuid hardlink; do
	pack $kind
	scripts/unpack-run "$work/$kind.tar.gz" "$work/dst-$kind" >"$work/unpack-$kind.out" 2>&1
	check "unpack-run refuses a run folder with a $kind (exit 1)" test $? = 1
	check "  and unpacks nothing" test ! -e "$work/dst-$kind"
done
pack plain
check "unpack-run unpacks plain files and folders" \
	scripts/unpack-run "$work/plain.tar.gz" "$work/dst-plain"
check "  the job record is there" test "$(jq -r .status "$work/dst-plain/out/job-record.json")" = ok

# Host tools read guest-written files without following links, without
# waiting on FIFOs, plain files only (a real campaign folder, its result
# files swapped for what a guest with passthrough 9p could make).
c=$work/smoke-tcg
cp -r tests/data/report/smoke-tcg "$c"
b=$c/runs/baseline-oslat-hackbench-rep1/out p=$c/runs/patched-oslat-hackbench-rep1/out
rm "$b/oslat.json" "$b/interrupts.before" "$p/oslat.json"
mkfifo "$b/oslat.json"
ln -s /dev/zero "$b/interrupts.before"
ln -s ../../baseline-oslat-hackbench-rep1/out/oslat.json "$p/oslat.json"
timeout 60 build/bin/isolbench-summary "$c" >"$work/summary.out" 2>&1
check "isolbench-summary finishes with a FIFO and a link to /dev/zero in out/" test $? != 124
timeout 60 build/bin/isolbench-report "$c" >"$work/report.out" 2>&1
rc=$?
check "isolbench-report finishes too (exit $rc)" test $rc != 124
check_grep "  and its run table says the link is not read" 'oslat.json: is a symbolic link' "$c/report/report.md"
check_grep "  nor the FIFO" 'oslat.json: not a plain file' "$c/report/report.md"
# judge-run: a job record that is a link or a FIFO is not read.
for kind in link fifo; do
	r=$work/judge-$kind
	cp -r tests/integration/files/judge/stale-int3 "$r"
	rm -f "$r/out/job-record.json"; mkdir -p "$r/out"
	if [ $kind = link ]; then ln -s /dev/zero "$r/out/job-record.json"; else mkfifo "$r/out/job-record.json"; fi
	timeout 60 scripts/judge-run "$r" --accel tcg --host localhost --started 1 --ended 2 \
		--killed no --timeout 300 --kernel-json /dev/null --emulator qemu >"$r.out" 2>&1
	check "judge-run with a $kind as job record finishes" test $? = 0
	check "  and says it was not read" \
		test "$(jq '[.reasons[] | select(contains("not a plain file"))] | length' "$r/run.json")" = 1
done

# Counts in ipi.json are range-checked: a guest's negative count must not
# make an "at most" gate pass (real review campaign, patched runs' counts
# of do_sync_core made hugely negative, gate: no deferrable IPIs at all;
# the old report summed them to -4e6 and passed).
c=$work/review-tcg
cp -r tests/data/report/review-tcg "$c"
jq '.gates = {deferrable_ipis_patched: 0}' "$c/campaign.json" >"$c/campaign.json.new" &&
	mv "$c/campaign.json.new" "$c/campaign.json"
for f in "$c"/runs/patched-*/out/ipi.json; do
	jq '(.per_callback[] | select(.callback == "do_sync_core") | .per_cpu[]) |= -1000000' "$f" >"$f.new" &&
		mv "$f.new" "$f"
done
build/bin/isolbench-report --no-plots "$c" >"$work/ipi-neg.out" 2>&1
check "negative IPI counts: the report is written" test -s "$c/report/verdict.json"
check "  the gate's value is no sum of negative counts" \
	test "$(jq '.gates[0].value >= 0' "$c/report/verdict.json")" = true
check "  the run table says those files were not used" \
	test "$(grep -c 'ipi.json: .per_callback\[0\].per_cpu.2 is -1e+06; .*(file not used)' "$c/report/report.md")" = 2
