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

# The registry (lib/kinds.c) is the one source of kinds, ranges and defaults:
# the committed reference and schema are what it generates ...
check "docs/config.md is generated from lib/kinds.c (isolbench-config docs)" \
	diff -q <($tool docs) docs/config.md
check "configs/campaign.schema.json is generated from lib/kinds.c (isolbench-config schema)" \
	diff -q <($tool schema) configs/campaign.schema.json
# ... and the checker enforces what the schema says: every integer field one
# past its maximum and one below its minimum is refused with that range, and
# a campaign that leaves it out gets the schema's default.
base=$(mktemp --suffix .json)
cat >"$base" <<'JSON'
{"name": "range", "kernels": [{"name": "baseline", "fragments": ["base"]}],
 "guest": {"housekeeping": "0-1", "isolated": "2-3"},
 "cases": [{"name": "c", "kind": "entry", "provokers": [{"kind": "tracepoint"}]}],
 "duration": "10s"}
JSON
$tool schema | jq -c '[paths(objects and .type? == "integer")] | .[]' | while read -r p; do
	field=$(jq -r 'map(select(. != "properties")) | map(if . == "items" then 0 else . end)
		| map(tostring) | join(".")' <<<"$p")
	cpath=$(jq -c 'map(select(. != "properties")) | map(if . == "items" then 0 else . end)' <<<"$p")
	min=$($tool schema | jq --argjson p "$p" 'getpath($p).minimum')
	max=$($tool schema | jq --argjson p "$p" 'getpath($p).maximum')
	def=$($tool schema | jq --argjson p "$p" 'getpath($p).default')
	for v in $((max + 1)) $((min - 1)); do
		jq --argjson p "$cpath" --argjson v "$v" 'setpath($p; $v)' "$base" >"$base.try.json"
		msg=$($tool check "$base.try.json" 2>&1); rc=$?
		if [ $rc = 2 ] && grep -q "allowed range is $min..$max" <<<"$msg"; then
			echo "PASS: $field = $v is refused with the registry's range $min..$max"
		else
			echo "FAIL: $field = $v: exit $rc, wanted 'allowed range is $min..$max', got: $msg"
		fi
	done
	[ "$def" = null ] && continue
	got=$($tool resolve "$base" | jq --argjson p "$cpath" 'getpath($p)')
	check "$field defaults to the registry's $def (got $got)" test "$got" = "$def"
done
rm -f "$base" "$base.try.json"
# The campaign folder is named from the validated name, not the raw YAML
# line: a comment or quotes around the name change nothing, and the
# playbooks' variables come from a JSON file, not from -e "k=$v" words.
rm -rf build/test-results/plan
for f in name-comment name-quoted; do
	out=$(scripts/campaign --only plan --results build/test-results/plan "tests/configs/$f.yml" 2>&1); rc=$?
	d=$(sed -n 's/^campaign folder: //p' <<<"$out")
	check "$f: --only plan succeeds" test "$rc" = 0
	check "$f: the folder is results/nightly-<time>" \
		sh -c "echo '$d' | grep -q -E '/build/test-results/plan/nightly-[0-9]{8}-[0-9]{6}\$'"
	check "$f: ansible-vars.json holds campaign_dir exactly" \
		test "$(jq -r .campaign_dir "$d/ansible-vars.json" 2>/dev/null)" = "$d"
	rm -rf "$d"
done
check "nothing was made outside the results folder" \
	test "$(ls -A build/test-results/plan)" = ""
# Two unnamed cases of one kind would share run folders: refused above
# (bad/unnamed-same-kind.yml); the longest names give ids in full.
long=$(printf 'k%.0s' $(seq 64))
sed -e "s/name: baseline/name: $long/" -e "s/name: oslat-hackbench/name: ${long//k/c}/" \
	tests/configs/good.yml >build/test-results/long-names.yml
out=$($tool resolve build/test-results/long-names.yml)
check "64-byte names: run ids are not cut" \
	test "$(echo "$out" | jq -r '.runs[1].id')" = "$long/${long//k/c}/rep2"
check "64-byte names: every run id is distinct" \
	test "$(echo "$out" | jq -r '.runs[].id' | sort -u | wc -l)" = 2
# 100,000 nested lists crashed the recursive YAML reader (stack overflow).
{ echo "name: deep"; printf 'guest: '; head -c 100000 /dev/zero | tr '\0' '['; echo; } \
	>build/test-results/deep.yml
msg=$($tool check build/test-results/deep.yml 2>&1); rc=$?
check "100,000-deep nesting is refused (exit 2), not a crash (exit $rc)" test $rc = 2
check "  and the message says how deep is allowed" grep -q "nested more than 64 levels" <<<"$msg"
# CPU lists are never cut: the longest list (every other CPU of 1024) in the
# pin plan and in the guest's isolated set (they were cut at 64 and 256
# bytes, so the emulator could land on an isolated CPU).
odd=$(seq -s, 1 2 1023) even=$(seq -s, 0 2 1022)
plan=$($tool pin --vcpus 4 --housekeeping 0-1 --host-cpus 0-1023 --host-isolated "$odd")
check "pin: the emulator CPUs are every housekeeping CPU of 1024 ($(echo ${#even}) bytes)" \
	test "$(echo "$plan" | jq -r .emulator_cpus)" = "$even"
check "pin: no vCPU shares a CPU with the emulator" \
	test "$(echo "$plan" | jq '[.vcpu_host_cpus[] | select(. % 2 == 0)] | length')" = 0
sed -e 's/vcpus: 4/vcpus: 1024/' -e "s/housekeeping: 0-1/housekeeping: \"$even\"/" \
	-e "s/isolated: 2-3/isolated: \"$odd\"/" tests/configs/good.yml >build/test-results/wide.yml
out=$($tool resolve build/test-results/wide.yml)
check "resolve: a 1024-vCPU guest's isolated list is whole" \
	test "$(echo "$out" | jq -r '.runs[0].job.isolated')" = "$odd"
# The deterministic mode: guest.accel icount, and a case's when_tcg reaching its job spec.
check "deterministic.yml passes" $tool check configs/deterministic.yml
check "guest.accel icount is kept" test "$($tool resolve configs/deterministic.yml | jq -r .guest.accel)" = icount
check "default.yml's entry case runs in icount mode under TCG" \
	test "$($tool resolve configs/default.yml | jq -r '[.runs[].job | select(.case_name == "entry") | .when_tcg] | unique | join(",")')" = icount
check "other cases default to when_tcg tcg" \
	test "$($tool resolve tests/configs/good.yml | jq -r '.runs[0].job.when_tcg')" = tcg
