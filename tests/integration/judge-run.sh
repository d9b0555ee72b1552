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

# The series' boot-time self-test (CONFIG_CONTEXT_TRACKING_WORK_SELFTEST): a
# kernel whose config (next to its kernel.json) has it must print that it
# passed. files/judge/selftest: the option lines of a real patched build's
# config and the self-test line of its console (defer-smoke, 2026-12-01),
# added to the job runner's lines of the fixture above.
st=tests/integration/files/judge/selftest
judge_st() { # judge_st NAME CONSOLE-EXTRA KERNEL-DIR
	rm -rf "$work/$1"; cp -r tests/integration/files/judge/stale-int3 "$work/$1"
	{ head -n 9 tests/integration/files/judge/stale-int3/console.log; printf '%s' "$2"
	  echo 'isolbench-init: done rc=0'; } >"$work/$1/console.log"
	mkdir -p "$work/$1/out"; echo '{"status": "ok"}' >"$work/$1/out/job-record.json"
	scripts/judge-run "$work/$1" --accel tcg --tcg-threads single --host localhost \
		--started 1 --ended 22 --killed no --timeout 300 --kernel-json "$3/kernel.json" \
		--emulator "QEMU emulator version 10.0.2" >"$work/$1.out" 2>&1
}
check "self-test passed: judged" judge_st st-pass "$(cat $st/selftest-line.txt)"$'\n' "$st/kernel"
check "  status ok" test "$(jq -r .status "$work/st-pass/run.json")" = ok
check "self-test line missing: judged" judge_st st-missing "" "$st/kernel"
check "  status failed" test "$(jq -r .status "$work/st-missing/run.json")" = failed
check "  the reason says the self-test did not pass" \
	test "$(jq -r '.reasons[0]' "$work/st-missing/run.json")" = \
	"the kernel's ct_work self-test did not pass: no result on the console"
check "self-test failed: judged" judge_st st-failed $'ct_work self-test: check failed: ok (state 0x2)\n' "$st/kernel"
check "  status failed, quoting the console" \
	test "$(jq -r '[.status, .reasons[0]] | join(" / ")' "$work/st-failed/run.json")" = \
	"failed / the kernel's ct_work self-test did not pass: ct_work self-test: check failed: ok (state 0x2)"
mkdir -p "$work/no-selftest-kernel"; echo '{}' >"$work/no-selftest-kernel/kernel.json"
check "a kernel without the self-test: judged" judge_st st-none "" "$work/no-selftest-kernel"
check "  status ok without the line" test "$(jq -r .status "$work/st-none/run.json")" = ok
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
