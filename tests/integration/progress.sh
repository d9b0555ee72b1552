# scripts/progress on a campaign folder (tests/data/report/smoke-tcg, from a
# real TCG campaign) in three states: a finished run, a failed one with its
# console, and a running one whose console has the runner's phase lines.
. "$(dirname "$0")/lib.sh"
make -s build/bin/isolbench-run >/dev/null
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
cp -r tests/data/report/smoke-tcg/. "$d/"
r1=$d/runs/baseline-oslat-hackbench-rep1 r2=$d/runs/patched-oslat-hackbench-rep1
out=$(scripts/progress --once "$d")
check "two finished runs: each on its own line with its status and wall time" \
	test "$(grep -c -E '^\[[0-9:]{8}\] run [12]/2 .*: ok after 3[0-9] s$' <<<"$out")" = 2
check "nothing left: 2/2 runs done" grep -q '2/2 runs done' <<<"$out"

# Run 1 failed: its reasons and its console's last lines are shown.
jq '.status = "failed" | .reasons = ["oslat failed (exit status 1, see oslat.stderr)"]' \
	"$r1/run.json" >"$d/x" && mv "$d/x" "$r1/run.json"
printf 'Linux version 6.12.117\nisolbench-run: [   30.0] error: oslat failed\nisolbench-init: done rc=1\n' \
	>"$r1/console.log"
# Run 2 is measuring: started 50 s ago, the phase from its console.
rm "$r2/run.json"
touch -d '-50 seconds' "$r2/job/job.json"
{
	echo "Linux version 6.12.117"
	echo "isolbench-run: [    0.4] run patched/oslat-hackbench/rep1: case oslat-hackbench (oslat) for 10 s, warm-up 3 s"
	echo "isolbench-run: [    0.6] phase: warm-up (3 s)"
} >"$r2/console.log"
out=$(scripts/progress --once "$d")
check "failed run: its status" grep -q 'run 1/2 baseline/oslat-hackbench/rep1: failed after' <<<"$out"
check "failed run: its reason" grep -q 'reason: oslat failed (exit status 1' <<<"$out"
check "failed run: the last lines of its console" grep -q '| isolbench-init: done rc=1' <<<"$out"
check "running run: warm-up, from the console's phase line" \
	grep -q -E 'run 2/2 patched/oslat-hackbench/rep1: warm-up, 5[0-9] s of ~33 s \| 1/2 done, ~' <<<"$out"
echo "isolbench-run: [    9.0] phase: measuring (10 s)" >>"$r2/console.log"
check "running run: measuring" grep -q 'rep1: measuring' <(scripts/progress --once "$d")
echo "isolbench-run: [   20.0] phase: collecting" >>"$r2/console.log"
check "running run: collecting" grep -q 'rep1: collecting' <(scripts/progress --once "$d")
: >"$r2/console.log"
check "no phase line yet: booting" grep -q 'rep1: booting' <(scripts/progress --once "$d")
# Following a campaign: it stops when the playbook (a PID) has ended.
sleep 1 & p=$!
timeout 30 scripts/progress --interval 0.2 "$d" $p >/dev/null; rc=$?
check "follows until the playbook exits (exit $rc)" test $rc = 0
