# A short, bounded run of every fuzz target (fuzz/, libFuzzer with ASan and
# UBSan): from the project's test files, in a fresh corpus, with a fixed seed
# and at most 5,000 executions (20 s at the most), so the same tree gives the
# same verdict on every machine: a test that passes here cannot fail in CI by
# the luck of the draw. Any crash, leak, sanitizer report or 10 s hang fails
# it. The long random runs are in docs/security.md.
. "$(dirname "$0")/lib.sh"
work=$top/build/test-logs/fuzz-smoke
rm -rf "$work"; mkdir -p "$work"
check "clang is installed (scripts/install-deps)" command -v clang
check "the fuzz targets build" sh -c "make -s fuzz-bins >'$work/build.log' 2>&1"
for t in fuzz_config fuzz_results fuzz_tracecmd; do
	out=$(FUZZ_WORK="$work" FUZZ_SEED=${FUZZ_SEED:-1} FUZZ_RUNS=${FUZZ_RUNS:-5000} \
		scripts/fuzz "$t" "${FUZZ_SECONDS:-20}" 2>&1); rc=$?
	echo "$out"
	check "$t: ${FUZZ_SECONDS:-20} s without a finding" test $rc = 0
	check "$t: it really ran (more than 100 executions)" \
		test "$(echo "$out" | sed -n 's/.*: \([0-9]*\) executions.*/\1/p')" -gt 100
done
