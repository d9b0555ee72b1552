# A hostile guest against the out/ share as the guest_run template renders
# it (accessmode='mapped'): a tiny initramfs (files/hostile-init.c) on the
# campaign's baseline kernel, under TCG through libvirt, makes a FIFO, a
# symlink to /etc/shadow, a /dev/mem node, a setuid-root file and a hard
# link in out/, and writes a file the normal way. On the host every one of
# them must be a plain 0644 file (or the folder it made), the written file
# must hold what the guest wrote, and the guest must still see its own
# FIFO as a FIFO (its view lives in xattrs).
. "$(dirname "$0")/lib.sh"
work=$top/build/test-logs/guest-9p-mapped
rm -rf "$work"; mkdir -p "$work/run/job" "$work/run/out" "$work/initramfs"
export ANSIBLE_CONFIG="$top/playbooks/ansible.cfg" ANSIBLE_NOCOLOR=1
cache=${ISOLBENCH_CACHE:-/var/cache/isolbench}
kernel=$(ls -t "$cache"/kernels/baseline-*/bzImage 2>/dev/null | head -n1)
check "a baseline kernel is in the cache (scripts/campaign builds it)" test -n "$kernel"
[ -n "$kernel" ] || exit 1
check "libvirtd answers" need_libvirtd
check "the hostile init builds" gcc -static -O2 -o "$work/initramfs/init" tests/integration/files/hostile-init.c
(cd "$work/initramfs" && echo init | cpio -o -H newc --quiet >"$work/initramfs.cpio")
cfg=build/bin/isolbench-config
$cfg pin --vcpus 2 --housekeeping 0 --host-cpus 0-1 >"$work/plan.json"
dom=isolbench-9p-mapped-test
check "the template renders" sh -c "ansible-playbook tests/integration/files/render-domain.yml \
	-e accel=tcg -e pin_json='$work/plan.json' -e out='$work/template.xml' \
	-e hv_run_dir='$work/run' -e kernel_image='$kernel' -e dom_name=$dom >'$work/render.log' 2>&1"
# Boot the initramfs instead of the image; the shares stay as rendered.
check "turned into an initramfs guest" python3 - "$work/template.xml" "$work/domain.xml" \
	"$work/initramfs.cpio" <<'PY'
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]); d = t.getroot()
os_ = d.find("os")
os_.find("cmdline").text = "console=ttyS0,115200 rdinit=/init panic=-1"
initrd = ET.Element("initrd"); initrd.text = sys.argv[3]
os_.insert(list(os_).index(os_.find("kernel")) + 1, initrd)
devs = d.find("devices")
for disk in devs.findall("disk"):
    devs.remove(disk)
d.find("memory").text = "256"
t.write(sys.argv[2])
PY
check_grep "  the out/ share is the template's mapped one" "accessmode=\"mapped\"" "$work/domain.xml"
virsh -c qemu:///system destroy "$dom" >/dev/null 2>&1; virsh -c qemu:///system undefine "$dom" >/dev/null 2>&1
check "libvirtd defines it" sh -c "virsh -c qemu:///system define '$work/domain.xml' >'$work/virsh.log' 2>&1"
check "and starts it" sh -c "virsh -c qemu:///system start $dom >>'$work/virsh.log' 2>&1"
for _ in $(seq 600); do
	case "$(virsh -c qemu:///system domstate "$dom" 2>/dev/null)" in "shut off"*) break ;; esac
	sleep 0.5
done
check "the guest powered off within 300 s" sh -c "virsh -c qemu:///system domstate $dom | grep -q 'shut off'"
virsh -c qemu:///system destroy "$dom" >/dev/null 2>&1; virsh -c qemu:///system undefine "$dom" >/dev/null 2>&1
c=$work/run/console.log
check_grep "guest: the share mounted" 'hostile-guest: mount results: ok' "$c"
check_grep "guest: wrote, fsynced and renamed a file" 'hostile-guest: rename it into place: ok' "$c"
check_grep "guest: its FIFO is a FIFO in its own view" 'hostile-guest: the guest sees its FIFO as a FIFO: ok' "$c"
o=$work/run/out
check "host: the written file holds what the guest wrote" test "$(cat "$o/plain.txt" 2>/dev/null)" = "written by the guest"
check "host: the guest's folder is a folder" test -d "$o/sub"
for f in fifo link mem suid; do
	check "host: the guest's $f is a plain file (if made at all)" \
		sh -c "[ ! -e '$o/$f' ] && [ ! -L '$o/$f' ] || { [ -f '$o/$f' ] && [ ! -L '$o/$f' ]; }"
done
check "host: nothing but plain files and folders in out/" test -z "$(find "$o" ! -type f ! -type d)"
check "host: no setuid, setgid or sticky bit" test -z "$(find "$o" -perm /7000)"
check "host: files are 0644" test -z "$(find "$o" -type f ! -perm 0644)"
grep -a 'hostile-guest:' "$c"
ls -la "$o"
