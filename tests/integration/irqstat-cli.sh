# isolbench-irqstat as the guest runs it: snapshot, diff, exit codes and
# messages. Uses the hand-written 4-CPU guest snapshots as a fake /proc.
. "$(dirname "$0")/lib.sh"
tool=build/bin/isolbench-irqstat
# A guest program: "make host" does not build it.
check "isolbench-irqstat builds" make -s $tool
data=tests/data/procirq
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/proc-before" "$work/proc-after" "$work/out"
cp $data/guest4-interrupts-before.txt "$work/proc-before/interrupts"
cp $data/guest4-softirqs-before.txt "$work/proc-before/softirqs"
cp $data/guest4-interrupts-after.txt "$work/proc-after/interrupts"
cp $data/guest4-softirqs-after.txt "$work/proc-after/softirqs"

check "snapshot before" $tool snapshot --out "$work/out" --tag before --proc "$work/proc-before"
check "snapshot after" $tool snapshot --out "$work/out" --tag after --proc "$work/proc-after"
check "snapshot copies /proc/interrupts byte for byte" \
	cmp -s "$work/out/interrupts.before" $data/guest4-interrupts-before.txt
check "snapshot copies /proc/softirqs" cmp -s "$work/out/softirqs.after" $data/guest4-softirqs-after.txt
msg=$($tool snapshot --out "$work/out" --tag before --proc "$work/proc-before" 2>&1); rc=$?
check "snapshot refuses to overwrite (exit 1)" test $rc = 1
check "and says so" grep -q "exists already" <<<"$msg"
check "snapshot of the real /proc" $tool snapshot --out "$work/out" --tag host

out=$($tool diff --before-dir "$work/out" --cpus 2-3 --json "$work/diff.json"); rc=$?
check "diff exits 0" test $rc = 0
check "diff prints the CAL line" grep -q -E '^CAL +15 +205$' <<<"$out"
check "JSON CAL total over 2-3" test "$(jq '.highlight.CAL.selected_total' "$work/diff.json")" = 15
check "JSON TLB on CPU3" test "$(jq '.highlight.TLB.per_cpu[3]' "$work/diff.json")" = 0
check "JSON softirqs SCHED on 2-3" \
	test "$(jq '.softirqs.rows[] | select(.name == "SCHED") | .selected_total' "$work/diff.json")" = 5
check "JSON dropped IRQ 8" test "$(jq '.interrupts.dropped_rows' "$work/diff.json")" = 1
check "diff to standard output is the same JSON" \
	cmp -s <($tool diff --before-dir "$work/out" --cpus 2-3 --json - | jq -S .) <(jq -S . "$work/diff.json")

cp $data/guest4-interrupts-cpu2off.txt "$work/out/interrupts.off"
cp $data/guest4-softirqs-after.txt "$work/out/softirqs.off"
msg=$($tool diff --before-dir "$work/out" --after-tag off --cpus 2-3 --json "$work/x.json" 2>&1); rc=$?
check "a CPU gone offline is a runtime failure (exit 1)" test $rc = 1
check "and the message names the columns" grep -q "before has CPUs 0-3, after has 0-1,3" <<<"$msg"
check "no JSON written then" test ! -e "$work/x.json"

msg=$($tool diff --before-dir "$work/out" --cpus 2-9x --json - 2>&1); rc=$?
check "a bad --cpus is bad usage (exit 2)" test $rc = 2
check "and says what is allowed" grep -q "allowed" <<<"$msg"
msg=$($tool diff --before-dir "$work/out" --cpus 7 --json - 2>&1); rc=$?
check "a CPU not in the snapshots is exit 1" test $rc = 1
check "and names the CPUs there are" grep -q "they have CPUs 0-3" <<<"$msg"
$tool diff --cpus 2 --json - >/dev/null 2>&1; rc=$?
check "missing --before-dir is exit 2" test $rc = 2
$tool snapshot --out "$work/out" --tag ../evil >/dev/null 2>&1; rc=$?
check "a tag with a slash is exit 2" test $rc = 2
$tool frobnicate >/dev/null 2>&1; rc=$?
check "an unknown command is exit 2" test $rc = 2
check "--help documents the exit codes" grep -q "Exit status: 0 ok, 1 runtime failure" <($tool --help)
