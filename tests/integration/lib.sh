# Helpers for integration tests: each check prints PASS: or FAIL: once.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
check() {
	local name=$1; shift
	if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; fi
}
# check_grep NAME PATTERN FILE: FILE contains PATTERN (extended regex).
check_grep() {
	if grep -a -q -E -- "$2" "$3" 2>/dev/null; then echo "PASS: $1"; else
		echo "FAIL: $1 (no /$2/ in $3)"; fi
}
# The campaign folder a campaign run printed last ("results: DIR").
campaign_dir_of() { grep -a '^results: ' "$1" | tail -n1 | cut -d' ' -f2-; }
# need_libvirtd: start virtlogd and libvirtd (no systemd here) unless libvirtd
# already answers, as a campaign's host_prep role does; fails after 10 s.
need_libvirtd() {
	"$top/scripts/start-libvirtd" qemu:///system 10 >/dev/null
}
