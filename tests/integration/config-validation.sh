# Every bad field of a campaign file stops the campaign before anything
# expensive, with a message naming the field and the fix.
. "$(dirname "$0")/lib.sh"
tool=build/bin/isolbench-config
check "good config passes" $tool check tests/configs/good.yml
out=$($tool resolve tests/configs/good.yml)
check "resolve makes kernel x case x repetition runs" test "$(echo "$out" | jq '.runs | length')" = 2
check "run ids are kernel/case/repN" test "$(echo "$out" | jq -r '.runs[1].id')" = baseline/oslat-hackbench/rep2
check "job spec carries the isolated set" test "$(echo "$out" | jq -r '.runs[0].job.isolated')" = 2-3
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
# The deterministic mode: guest.accel icount, and a case's when_tcg reaching its job spec.
check "deterministic.yml passes" $tool check configs/deterministic.yml
check "guest.accel icount is kept" test "$($tool resolve configs/deterministic.yml | jq -r .guest.accel)" = icount
check "default.yml's entry case runs in icount mode under TCG" \
	test "$($tool resolve configs/default.yml | jq -r '[.runs[].job | select(.case_name == "entry") | .when_tcg] | unique | join(",")')" = icount
check "other cases default to when_tcg tcg" \
	test "$($tool resolve tests/configs/good.yml | jq -r '.runs[0].job.when_tcg')" = tcg
