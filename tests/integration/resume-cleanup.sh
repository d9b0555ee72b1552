# --resume and cleanup, without booting a guest: a run folder cut off
# before its run.json is set aside (its out/ files are never mixed into a
# new attempt), a kernel whose build key changed is refused, distclean
# refuses a CACHE that would make it remove top-level folders, and the CI
# example never runs a pull request's code on the root runner.
. "$(dirname "$0")/lib.sh"
work=$top/build/test-logs/resume-cleanup
rm -rf "$work"; mkdir -p "$work"
out=$(scripts/campaign --only plan --results "$work" tests/configs/good.yml 2>&1)
d=$(sed -n 's/^campaign folder: //p' <<<"$out")
check "a planned campaign folder" test -f "$d/campaign.json"
# Without one, everything below would work on / and start a real build.
case "$d" in "$work"/good-*) ;; *) echo "FAIL: no campaign folder; the rest is skipped"; exit 1 ;; esac
mkdir -p "$d/runs/baseline-oslat-hackbench-rep1/out" "$d/runs/baseline-oslat-hackbench-rep2/out"
echo '{"stale": true}' >"$d/runs/baseline-oslat-hackbench-rep1/out/oslat.json"
echo '{"status": "ok"}' >"$d/runs/baseline-oslat-hackbench-rep2/run.json"
scripts/campaign --resume "$d" --only plan tests/configs/good.yml >"$work/resume.out" 2>&1
check "--resume goes on" test $? = 0
check "  the run without run.json is set aside" \
	sh -c "ls -d '$d'/runs/baseline-oslat-hackbench-rep1.attempt-*-unfinished >/dev/null 2>&1"
check "  with its stale files" sh -c "cat '$d'/runs/baseline-oslat-hackbench-rep1.attempt-*/out/oslat.json | grep -q stale"
check "  and no folder of that name is left to run into" test ! -e "$d/runs/baseline-oslat-hackbench-rep1"
check "  the finished run is kept" test -f "$d/runs/baseline-oslat-hackbench-rep2/run.json"
check_grep "  and it says so" 'set aside the unfinished run baseline-oslat-hackbench-rep1' "$work/resume.out"

# The campaign's kernel was built from other inputs than the checkout has now.
mkdir -p "$d/kernels"
echo '{"name": "baseline", "key": "0123456789abcdef0123"}' >"$d/kernels/baseline.json"
timeout 600 scripts/campaign --resume "$d" --only kernels tests/configs/good.yml >"$work/key.out" 2>&1
rc=$?
check "--resume with a changed kernel build key stops (exit 2, got $rc)" test $rc = 2
check_grep "  naming both keys" "kernel 'baseline' is no longer the kernel this campaign ran \(build key 0123456789abcdef0123, now [0-9a-f]{20}" "$work/key.out"
check "  before building anything" sh -c "! grep -q 'building bzImage' '$work/key.out'"

# distclean with an empty, relative, root or two-word CACHE: refused before
# anything runs (make -n: nothing would be removed even if it were not).
for c in "" / relative "/var/cache/isolbench /"; do
	msg=$(make -n distclean CACHE="$c" 2>&1); rc=$?
	check "distclean CACHE='$c' is refused (exit $rc)" \
		sh -c "[ $rc != 0 ] && echo '$msg' | grep -q 'is not one absolute folder' && ! echo '$msg' | grep -q 'rm -rf'"
done
check "distclean with the default CACHE would remove only under it" \
	sh -c "make -n distclean | grep -F -x 'rm -rf /var/cache/isolbench/kernels /var/cache/isolbench/images /var/cache/isolbench/build /var/cache/isolbench/ccache'"

# The GitHub workflow runs only code pushed to this repository.
check "CI: no pull_request or pull_request_target trigger, read-only token" python3 -c '
import yaml, sys
w = yaml.safe_load(open(".github/workflows/isolbench.yml"))
on = w.get("on", w.get(True))
triggers = set(on) if isinstance(on, (dict, list)) else {on}
assert not triggers & {"pull_request", "pull_request_target"}, triggers
assert w.get("permissions") == {"contents": "read"}, w.get("permissions")'
