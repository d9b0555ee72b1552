# The window audit (guest-kernel/window-audit, docs/architecture.md): every
# kernel build records the static-key, static-call and alternative sites in
# its entry and noinstr text in kernel.json, and every key there that can
# change at run time needs a reason in guest-kernel/window-audit.allow.
# Checked over every built kernel in the artifact cache; a kernel built with
# fragments/stackleak.config must show stack_erasing_bypass, the key its
# exit window tests. The failing cases use the recorded audit of a real
# build of the patched default kernel (tests/data/window-audit/).
. "$(dirname "$0")/lib.sh"
work=build/test-logs/window-audit
rm -rf "$work"; mkdir -p "$work"
cache=${ISOLBENCH_CACHE:-/var/cache/isolbench}
audit=guest-kernel/window-audit
allow=guest-kernel/window-audit.allow
fx=tests/data/window-audit/patched.kernel.json

audited=() unaudited=0
for j in "$cache"/kernels/*/kernel.json; do
	[ -f "$j" ] || continue
	if jq -e .window_audit "$j" >/dev/null 2>&1; then audited+=("$j"); else unaudited=$((unaudited + 1)); fi
done
echo "built kernels: ${#audited[@]} audited, $unaudited built before the audit existed (not checked)"
check "at least one built kernel has a window audit" test ${#audited[@]} -gt 0
for j in "${audited[@]}"; do
	n=$(jq -r .name "$j")-$(jq -r .key "$j")
	check "$n: the audit found the entry and noinstr windows" \
		test "$(jq '.window_audit.windows | has("entry") and has("noinstr")' "$j")" = true
	check "$n: the audit found context_tracking_key sites, not writable at run time" \
		jq -e '[.window_audit.sites[] | select(.key == "context_tracking_key")] |
			length > 0 and all(.runtime_writable == false)' "$j"
	check "$n: every run-time writable key in the windows has a reason in $allow" \
		"$audit" check --allow "$allow" "$j"
	if grep -q '^CONFIG_STACKLEAK_RUNTIME_DISABLE=y' "$(dirname "$j")/config" 2>/dev/null; then
		check "$n (STACKLEAK): stack_erasing_bypass flagged at a noinstr stackleak_erase site" \
			jq -e '[.window_audit.sites[] | select(.key == "stack_erasing_bypass" and
				.window == "noinstr" and (.site | startswith("stackleak_erase")) and
				.runtime_writable)] | length > 0' "$j"
	fi
done

check "recorded audit: passes with the allow-list" "$audit" check --allow "$allow" "$fx"
grep -v '^__tracepoint_user_enter ' "$allow" >"$work/allow-without"
"$audit" check --allow "$work/allow-without" "$fx" >"$work/without.out" 2>&1
check "  without the entry of a flagged key the check fails" test $? = 1
check_grep "  and says which key lacks one" \
	'^FAIL patched: .*without an allow-list entry.*: __tracepoint_user_enter$' "$work/without.out"
printf '__tracepoint_user_enter\n' >"$work/allow-noreason"
"$audit" check --allow "$work/allow-noreason" "$fx" >"$work/noreason.out" 2>&1
check "an allow-list entry without a reason is refused" test $? = 1
check_grep "  with a message that says what to write" 'has no reason' "$work/noreason.out"
jq 'del(.window_audit)' "$fx" >"$work/old.json"
"$audit" check --allow "$allow" "$work/old.json" >"$work/old.out" 2>&1
check "a kernel.json without the audit fails the check" test $? = 1

# The report shows the audit per kernel (report/audit.c): a real two-kernel
# campaign folder whose patched kernel gets the recorded audit.
tool=build/bin/isolbench-report
check "isolbench-report builds" make -s $tool
rm -rf "$work/camp"; cp -r tests/data/report/smoke-tcg "$work/camp"
jq --slurpfile k "$fx" '. + {window_audit: $k[0].window_audit}' "$work/camp/kernels/patched.json" \
	>"$work/k.json" && mv "$work/k.json" "$work/camp/kernels/patched.json"
$tool -q "$work/camp" >"$work/report.out" 2>&1
check "report: exit 0" test $? = 0
r=$work/camp/report/report.md
check_grep "report: window audit section" '^## Patchable text in the context-tracking windows' "$r"
check_grep "report: the patched kernel's row: counts and the flagged keys with their sites" \
	'^\| patched \(patched\) \| 37 \(21 run-time writable\) \| 13 \(13 run-time writable\) \| 124 \(0 run-time writable\) \|.*__tracepoint_user_enter \(__ct_user_enter\+0x79 noinstr\)' "$r"
check_grep "report: the baseline kernel, built before the audit, says so" \
	'^\| baseline \(baseline\) .*not audited' "$r"
