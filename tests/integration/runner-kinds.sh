# The runner builds every noise and provoker kind from the registry's
# command templates (lib/kinds.c): each kind the schema lists is started
# with the argv its template says, on the CPUs the job gives, without a
# guest (stand-in programs record their arguments). A kind added to the
# registry is covered here without a change to this test.
. "$(dirname "$0")/lib.sh"
cfg=build/bin/isolbench-config run=build/bin/isolbench-run
check "isolbench-run builds" make -s $run $cfg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
for p in isolbench-storm hackbench isolbench-kbuild-noise; do
	# The provokers' start and end signals (SIGUSR1/2) are taken as storm does.
	printf '#!/bin/sh\necho "$0 $*" >>%s/started\ntrap "" USR1 USR2\nwhile :; do sleep 1; done\n' \
		"$work" >"$work/bin/$p"
	chmod +x "$work/bin/$p"
done
# The runner calls the kbuild noise by its path in the image.
job=$($cfg resolve tests/configs/good.yml | jq '.runs[0].job | .case_kind = "idle"
	| .duration_s = 1 | .warmup_s = 1 | .collectors = [] | .noise = [] | .provokers = []')
kinds() { $cfg schema | jq -r "$1 | .[]"; }
for k in $(kinds '.properties.cases.items.properties.provokers.items.properties.kind.enum'); do
	jq --arg k "$k" '.provokers = [{kind: $k, rate: 7}]' <<<"$job" >"$work/job.json"
	rm -rf "$work/out" && mkdir "$work/out"
	PATH="$work/bin:$PATH" timeout 120 $run "$work/job.json" "$work/out" >"$work/log" 2>&1
	argv=$(jq -r --arg t "storm-$k" '.tasks[] | select(.name == $t) | .argv | join(" ")' \
		"$work/out/job-record.json")
	check "provoker $k: isolbench-storm --kind $k --rate 7 on the housekeeping CPUs" \
		grep -q -- "^isolbench-storm --kind $k --rate 7 .*--cpus 0-1 .*--json $work/out/storm-$k.json" <<<"$argv"
	check "provoker $k: started (and stopped by the runner)" \
		test "$(jq --arg t "storm-$k" '.tasks[] | select(.name == $t) | .stopped_by_runner' \
		"$work/out/job-record.json")" = true
	check "provoker $k: the same work on every kernel (rate x duration = 7 operations, from the steady state)" \
		grep -q -- "--operations 7 --start-signal" <<<"$argv"
	[ "$k" = munmap ] && check "munmap: its victim threads spin on the isolated CPUs 2-3" \
		grep -q -- "--victim-cpus 2-3" <<<"$argv"
done
for k in $(kinds '.properties.cases.items.properties.noise.items.enum'); do
	jq --arg k "$k" '.noise = [$k]' <<<"$job" >"$work/job.json"
	rm -rf "$work/out" && mkdir "$work/out"
	PATH="$work/bin:$PATH" timeout 120 $run "$work/job.json" "$work/out" >"$work/log" 2>&1
	check "noise $k: started on the housekeeping CPUs 0-1" test "$(jq -r --arg t "$k" \
		'.tasks[] | select(.name == $t) | "\(.cpus) \(.starts > 0)"' "$work/out/job-record.json")" = "0-1 true"
	argv=$(jq -r --arg t "$k" '.tasks[] | select(.name == $t) | .argv | join(" ")' \
		"$work/out/job-record.json")
	case $k in
	hackbench) check "hackbench: 3 groups per housekeeping CPU (rteval's shape)" \
		test "$argv" = "hackbench -P -g 6 -l 1000 -s 1000" ;;
	kbuild) check "kbuild: one job per housekeeping CPU" \
		test "$argv" = "/opt/isolbench/bin/isolbench-kbuild-noise 2" ;;
	esac
done
# The phase lines scripts/progress reads from the guest's console, in order.
check "the runner prints its phases in order (warm-up, measuring, collecting)" test \
	"$(grep -o 'phase: [a-z-]*' "$work/log" | cut -d' ' -f2 | tr '\n' ' ')" = "warm-up measuring collecting "
# An unknown kind never reaches the guest's runner: the job loader refuses it.
jq '.provokers = [{kind: "nope", rate: 1}]' <<<"$job" >"$work/job.json"
rm -rf "$work/out" && mkdir "$work/out"
$run "$work/job.json" "$work/out" >"$work/log" 2>&1; rc=$?
check "an unknown provoker kind: exit 2, the job record says why" \
	bash -c "test $rc = 2 && jq -r '.errors[0]' '$work/out/job-record.json' | grep -q \"unknown provoker 'nope'\""
