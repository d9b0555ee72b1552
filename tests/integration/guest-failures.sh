# Guests that hang or panic are killed or noticed, marked failed with their
# console log kept, and the campaign goes on.
. "$(dirname "$0")/lib.sh"
out=build/test-logs/guest-failures.out
scripts/campaign --results build/test-results tests/configs/hang.yml >"$out" 2>&1
check "hang campaign still ends with a summary" test $? = 0
dir=$(campaign_dir_of "$out")
[ -d "$dir" ] || { echo "FAIL: no campaign folder"; exit 1; }
for r in "$dir"/runs/*/; do
	n=$(basename "$r")
	check "$n: marked timeout" test "$(jq -r .status "$r/run.json")" = timeout
	check_grep "$n: reason says it was killed" 'killed' "$r/run.json"
	check_grep "$n: console log kept" 'Linux version' "$r/console.log"
done
check "both repetitions ran (the campaign went on)" test "$(ls -d "$dir"/runs/*/ | wc -l)" = 2
check_grep "summary shows the timeouts" 'timeout' "$dir/summary.txt"

scripts/campaign --results build/test-results tests/configs/panic.yml >"$out.panic" 2>&1
dir=$(campaign_dir_of "$out.panic")
r=$(ls -d "$dir"/runs/*/ | head -n1)
check "panicking guest marked panic" test "$(jq -r .status "$r/run.json")" = panic
check_grep "panic reason quotes the kernel" 'Kernel panic' "$r/run.json"
check "no domain of this campaign is left defined" \
	test -z "$(virsh -c qemu:///system list --all --name | grep -F "isolbench-$(basename "$dir" | cut -c1-40)-")"
