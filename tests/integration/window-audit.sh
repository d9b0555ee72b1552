# The window audit (guest-kernel/window-audit, docs/architecture.md): every
# kernel build records the static-key, static-call and alternative sites in
# its entry and noinstr text in kernel.json, and every key there that can
# change at run time needs a reason in guest-kernel/window-audit.allow.
# Checked over every built kernel in the artifact cache, and, so that the
# check is seen failing, on the recorded audit of a real STACKLEAK build
# (tests/data/window-audit/, from guest-kernel/build-kernel with
# fragments/stackleak.config), whose exit window tests stack_erasing_bypass.
. "$(dirname "$0")/lib.sh"
work=build/test-logs/window-audit
rm -rf "$work"; mkdir -p "$work"
cache=${ISOLBENCH_CACHE:-/var/cache/isolbench}
audit=guest-kernel/window-audit
allow=guest-kernel/window-audit.allow
fx=tests/data/window-audit/patched-debug-stackleak.kernel.json

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
	check "$n: the audit found static-key sites in the windows" \
		test "$(jq '.window_audit.counts.static_key.sites // 0' "$j")" -gt 0
	check "$n: every run-time writable key in the windows has a reason in $allow" \
		"$audit" check --allow "$allow" "$j"
done

check "STACKLEAK build: its audit flags stack_erasing_bypass" \
	jq -e '.window_audit.flagged | index("stack_erasing_bypass")' "$fx"
check "  at a site in the noinstr stackleak_erase code" \
	jq -e '[.window_audit.sites[] | select(.key == "stack_erasing_bypass" and .window == "noinstr"
		and (.site | startswith("stackleak_erase")) and .runtime_writable)] | length > 0' "$fx"
check "  and passes with the allow-list" "$audit" check --allow "$allow" "$fx"
grep -v '^stack_erasing_bypass' "$allow" >"$work/allow-without"
"$audit" check --allow "$work/allow-without" "$fx" >"$work/without.out" 2>&1
check "  without its allow-list entry the check fails" test $? = 1
check_grep "  and says which key lacks one" 'FAIL .*: .*stack_erasing_bypass' "$work/without.out"
printf 'stack_erasing_bypass\n' >"$work/allow-noreason"
"$audit" check --allow "$work/allow-noreason" "$fx" >"$work/noreason.out" 2>&1
check "an allow-list entry without a reason is refused" test $? != 0
check_grep "  with a message that says what to write" 'has no reason' "$work/noreason.out"

# The report shows the audit per kernel (report/audit.c): a real two-kernel
# campaign folder whose patched kernel gets the STACKLEAK build's audit.
tool=build/bin/isolbench-report
check "isolbench-report builds" make -s $tool
rm -rf "$work/camp"; cp -r tests/data/report/smoke-tcg "$work/camp"
jq --slurpfile k "$fx" '. + {window_audit: $k[0].window_audit}' "$work/camp/kernels/patched.json" \
	>"$work/k.json" && mv "$work/k.json" "$work/camp/kernels/patched.json"
$tool -q "$work/camp" >"$work/report.out" 2>&1
check "report: exit 0" test $? = 0
r=$work/camp/report/report.md
check_grep "report: window audit section" '^## Patchable text in the context-tracking windows' "$r"
check_grep "report: the patched kernel's row names stack_erasing_bypass and its site" \
	'^\| patched .*\| [0-9]+ \([0-9]+ run-time writable\) \|.*stack_erasing_bypass \(stackleak_erase' "$r"
check_grep "report: the baseline kernel, built before the audit, says so" \
	'^\| baseline .*not audited' "$r"
