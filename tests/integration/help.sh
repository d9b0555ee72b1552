# Every script's --help (and make help) is its leading comment block: the
# usage, never a line of its code, whatever the header's length.
. "$(dirname "$0")/lib.sh"
for s in scripts/campaign scripts/progress scripts/start-libvirtd tests/run guest-kernel/build-kernel \
	guest-image/build-image guest-kernel/tests/defer-smoke/run-smoke; do
	case $s in scripts/start-libvirtd) continue ;; esac
	out=$($s --help 2>&1); rc=$?
	check "$s --help: exit 0" test $rc = 0
	check "$s --help: its usage line" grep -q -E "^ *(usage: )?[a-z/-]*$(basename "$s") " <<<"$out"
	check "$s --help: no code" bash -c \
		'! grep -q -E "^(set -[a-z]|[a-z_]+=[^ ]|\s*(if|for|while) .*; (then|do)$|\s*esac$)" <<<"$1"' _ "$out"
	check "$s --help: the whole comment block (its last comment line)" test \
		"$(tail -n1 <<<"$out")" = "$(awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); l = $0; next} NR > 1 {exit} END {print l}' "$s")"
done
out=$(make -s help)
check "make help: the targets" grep -q 'make campaign' <<<"$out"
check "make help: no rule" bash -c '! grep -q -E "^[[:blank:]]*@|awk |sed -n|[$][(]" <<<"$1"' _ "$out"
