# Every bad field of a campaign file stops the campaign before anything
# expensive, with a message naming the field and the fix.
. "$(dirname "$0")/lib.sh"
tool=build/bin/isolbench-config
check "good config passes" $tool check tests/configs/good.yml
out=$($tool resolve tests/configs/good.yml)
check "resolve makes kernel x case x repetition runs" test "$(echo "$out" | jq '.runs | length')" = 2
check "run ids are kernel/case/repN" test "$(echo "$out" | jq -r '.runs[1].id')" = baseline/oslat-hackbench/rep2
check "job spec carries the isolated set" test "$(echo "$out" | jq -r '.runs[0].job.isolated')" = 2-3
# N kernels: the baseline named at the top level; a kernel from a series prefix.
sed 's|^    fragments: \[base, isolation, tracing, 9p\]|&\n  - name: first2\n    source: debian:linux-source-6.12\n    series: guest-kernel/patches/ipi-defer-catchup\n    patches: 2\n&|' \
	tests/configs/good.yml >build/designs-good.yml && echo "baseline: baseline" >>build/designs-good.yml
out=$($tool resolve build/designs-good.yml)
check "baseline: resolved into campaign.json" test "$(echo "$out" | jq -r .baseline)" = baseline
check "patches: kept for build-kernel" test "$(echo "$out" | jq -c '[.kernels[].patches]')" = "[null,2]"
check "and every kernel gets its runs" test "$(echo "$out" | jq '.runs | length')" = 4
# build-kernel refuses a prefix the series does not have, before building.
bk() { guest-kernel/build-kernel --name t --source debian:linux-source-6.12 \
	--fragment guest-kernel/fragments/base.config "$@" 2>&1 >/dev/null; }
msg=$(bk --series guest-kernel/patches/ipi-defer-catchup --patches 9); rc=$?
check "build-kernel --patches 9 of 4: exit 2, names the range" \
	bash -c "[ $rc = 2 ] && grep -q 'must be 1..4' <<<'$msg'"
msg=$(bk --patches 1); rc=$?
check "build-kernel --patches without --series: exit 2" \
	bash -c "[ $rc = 2 ] && grep -q 'needs --series' <<<'$msg'"
for f in tests/configs/bad/*.yml; do
	expect=$(sed -n '1s/^# expect: //p' "$f")
	msg=$($tool check "$f" 2>&1); rc=$?
	if [ $rc = 2 ] && echo "$msg" | grep -q -E -- "$expect"; then
		echo "PASS: $(basename "$f") is refused: $(echo "$msg" | head -n1)"
	else
		echo "FAIL: $(basename "$f"): exit $rc, wanted /$expect/, got: $msg"
	fi
done
# The campaign itself refuses a bad file before building anything.
msg=$(scripts/campaign --results build/test-results tests/configs/bad/overlap.yml 2>&1); rc=$?
check "campaign stops on a bad file" test $rc = 2
check "campaign names the field" grep -q "guest.isolated" <<<"$msg"
check "campaign made no results folder for it" test -z "$(ls -d build/test-results/good-* 2>/dev/null)"
