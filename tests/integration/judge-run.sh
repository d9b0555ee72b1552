# scripts/judge-run on a real console log: the baseline kernel's Oops: int3
# at a tracepoint call site under multi-threaded TCG (provoker sweep, 8
# static-key flips per second), whose code dump shows the call opcode (e8)
# back in memory. judge-run must call it a panic and, under multi-threaded
# TCG only, name the emulator's stale translation as the likely cause; an
# int3 that is still in memory (cc) gets no such note.
. "$(dirname "$0")/lib.sh"
work=build/test-logs/judge-run
rm -rf "$work"; mkdir -p "$work"
judge() { # judge NAME TCG_THREADS [ACCEL]: a copy of the fixture, unless $work/NAME exists
	[ -d "$work/$1" ] || cp -r tests/integration/files/judge/stale-int3 "$work/$1"
	scripts/judge-run "$work/$1" --accel "${3:-tcg}" --tcg-threads "$2" --host localhost \
		--started 1 --ended 22 --killed no --timeout 300 --kernel-json /dev/null \
		--emulator "QEMU emulator version 10.0.2" >"$work/$1.out" 2>&1
}
note='signature of multi-threaded TCG running a stale translation'
check "multi-threaded TCG: judged" judge multi multi
check "  status panic" test "$(jq -r .status "$work/multi/run.json")" = panic
check "  first reason is the oops" \
	test "$(jq -r '.reasons[0]' "$work/multi/run.json")" = "kernel: Oops: int3: 0000 [#1] SMP NOPTI"
check "  the stale-translation note quotes the code bytes" \
	test "$(jq -r '.reasons[1] | contains("(code: e8 <9a>)") and contains("'"$note"'")' "$work/multi/run.json")" = true
check "  run.json says multi-threaded TCG" test "$(jq -r .tcg_threads "$work/multi/run.json")" = multi
check "single-threaded TCG: judged" judge single single
check "  no emulator note" test "$(jq '.reasons | length' "$work/single/run.json")" = 1
check "KVM: judged" judge kvm multi kvm
check "  no emulator note, no tcg_threads" \
	test "$(jq -c '[(.reasons | length), .tcg_threads]' "$work/kvm/run.json")" = "[1,null]"
# The same oops with the int3 still in memory: no note.
cp -r tests/integration/files/judge/stale-int3 "$work/cc"
sed -i 's/e8 <9a>/cc <9a>/' "$work/cc/console.log"
check "int3 still in memory: judged" judge cc multi
check "  panic without the note" \
	test "$(jq -c '[.status, (.reasons | length)]' "$work/cc/run.json")" = '["panic",1]'
# The deterministic mode: run.json records the instruction counter as the guest clock.
cp -r tests/integration/files/judge/stale-int3 "$work/icount"
scripts/judge-run "$work/icount" --accel tcg --tcg-threads single \
	--guest-clock icount --host localhost --started 1 --ended 22 --killed no --timeout 300 \
	--kernel-json /dev/null --emulator "QEMU emulator version 10.0.2" >"$work/icount.out" 2>&1
check "icount: judged" test $? = 0
check "  run.json says guest_clock icount" test "$(jq -r .guest_clock "$work/icount/run.json")" = icount
check "  the line printed says so" grep -q "tcg, single-threaded, icount" "$work/icount.out"
check "  other runs say guest_clock host" test "$(jq -r .guest_clock "$work/single/run.json")" = host
check "  and KVM ignores --guest-clock icount" sh -c "cp -r tests/integration/files/judge/stale-int3 $work/kvm-icount &&
	scripts/judge-run $work/kvm-icount --accel kvm --guest-clock icount --host localhost --started 1 \
	--ended 22 --killed no --timeout 300 --kernel-json /dev/null --emulator x >/dev/null 2>&1 &&
	test \"\$(jq -r .guest_clock $work/kvm-icount/run.json)\" = host"
