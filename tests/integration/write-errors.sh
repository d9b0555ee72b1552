# A write error (here: a file size limit, as a full disk would do) is never
# a silently short report or campaign.json: the tools exit with their
# "could not write" status (isolbench-report 3, isolbench-config 1), not
# with a verdict, and leave neither half a file nor a temporary one.
. "$(dirname "$0")/lib.sh"
work=$top/build/test-logs/write-errors
rm -rf "$work"; mkdir -p "$work"
cp -r tests/data/report/smoke-tcg "$work/"
limited() { # limited KIB CMD...: CMD with files limited to KIB KiB (EFBIG, no SIGXFSZ)
	local kib=$1; shift
	(trap '' XFSZ; ulimit -f "$kib"; "$@")
}
limited 4 build/bin/isolbench-report --no-plots -q "$work/smoke-tcg" >"$work/report.out" 2>&1
rc=$?
check "isolbench-report on a full disk: exit 3 (could not write), not 0 or 1 (exit $rc)" test $rc = 3
check_grep "  and says what it could not write" 'writing into .*report' "$work/report.out"
check "  no report.md or report.html was published" \
	sh -c "! ls '$work/smoke-tcg/report/report.md' '$work/smoke-tcg/report/report.html' 2>/dev/null"
check "  no temporary file is left" test -z "$(ls -A "$work/smoke-tcg/report" | grep -E 'tmp')"
build/bin/isolbench-report --no-plots -q "$work/smoke-tcg" >/dev/null 2>&1
check "with room it writes the report (exit 0)" test $? = 0
check "  report.md ends with the verdict section" grep -q '^## Verdict' "$work/smoke-tcg/report/report.md"

build/bin/isolbench-config resolve tests/configs/good.yml >/dev/full 2>"$work/resolve-full.err"
check "isolbench-config resolve to a full stdout: exit 1" test $? = 1
echo '{"old": true}' >"$work/campaign.json"
limited 1 build/bin/isolbench-config resolve tests/configs/good.yml --out "$work/campaign.json" \
	2>"$work/resolve-limit.err"
check "isolbench-config resolve --out on a full disk: exit 1" test $? = 1
check "  the old campaign.json is untouched" test "$(jq -c . "$work/campaign.json")" = '{"old":true}'
check "  no temporary file is left" test -z "$(ls "$work" | grep tmp)"
