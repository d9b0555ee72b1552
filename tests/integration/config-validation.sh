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
