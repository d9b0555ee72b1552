# The config fidelity check (guest-kernel/check-fidelity) on real configs:
# Debian's own, the default fragments' (allnoconfig + fragments, configured
# in the unpacked linux-source-6.12 tree; nothing is compiled), and Debian's
# with one listed option changed. No guest is booted.
. "$(dirname "$0")/lib.sh"
chk=guest-kernel/check-fidelity
ref=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check "Debian's reference config is installed (scripts/install-deps)" test -f $ref

xz -dc $ref >"$tmp/debian.config"
out=$($chk --config "$tmp/debian.config")
check "Debian's config against itself: no difference" \
	test "$(jq '.differences | length' <<<"$out")" = 0
check "every option of the list is checked" \
	test "$(jq .checked <<<"$out")" = "$(grep -c '^CONFIG_' guest-kernel/fidelity.list)"
check "the reference package is recorded" grep -q '"linux-config-6.12 6.12' <<<"$out"

sed 's/^CONFIG_VMAP_STACK=y$/# CONFIG_VMAP_STACK is not set/' "$tmp/debian.config" >"$tmp/novmap.config"
out=$($chk --config "$tmp/novmap.config")
check "VMAP_STACK off is one unexplained difference" \
	test "$(jq -c '[.unexplained, .differences[0].option, .differences[0].kernel, .differences[0].debian, .differences[0].reason]' <<<"$out")" = '[1,"CONFIG_VMAP_STACK","n","y",null]'

src=$(ls -d /var/cache/isolbench/src/linux-source-6.12-*/ 2>/dev/null | sort -V | tail -n1)
if [ -z "$src" ]; then
	echo "FAIL: the default fragments' config: no unpacked linux-source-6.12 in /var/cache/isolbench/src (run any campaign first)"
else
	f=guest-kernel/fragments
	(cd "$src" && scripts/kconfig/merge_config.sh -n -O "$tmp" "$top/$f/base.config" \
		"$top/$f/isolation.config" "$top/$f/tracing.config" "$top/$f/9p.config" >"$tmp/merge.log" 2>&1 &&
		make -s O="$tmp" olddefconfig >>"$tmp/merge.log" 2>&1)
	check "allnoconfig + the default fragments configures" test -f "$tmp/.config"
	out=$($chk --config "$tmp/.config")
	check "the default kernels have no unexplained difference from Debian's config" \
		test "$(jq .unexplained <<<"$out")" = 0
	check "the default kernels differ in exactly the three explained options" \
		test "$(jq -c '[.differences[].option]' <<<"$out")" = '["CONFIG_MODULE_SIG","CONFIG_MITIGATION_VMSCAPE","CONFIG_OSNOISE_TRACER"]'
fi

out=$($chk --config "$tmp/debian.config" --reference "$tmp/missing.xz"); rc=$?
check "a missing reference is recorded, not fatal" test $rc = 0
check "... with the fix in the message" grep -q 'install-deps' <<<"$out"
printf 'VMAP_STACK | no prefix\n' >"$tmp/bad.list"
$chk --config "$tmp/debian.config" --list "$tmp/bad.list" >/dev/null 2>"$tmp/err"; rc=$?
check "a list line without CONFIG_ is refused" test $rc = 2
check "... naming the line" grep -q 'line 1' "$tmp/err"
