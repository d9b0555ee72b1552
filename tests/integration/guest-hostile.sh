# Part 1. A hostile guest against the out/ share as the guest_run template
# renders it (accessmode='mapped'): a tiny initramfs (files/hostile-init.c) on the
# campaign's baseline kernel, under TCG through libvirt, makes a FIFO, a
# symlink to /etc/shadow, a /dev/mem node, a setuid-root file and a hard
# link in out/, and writes a file the normal way. On the host every one of
# them must be a plain 0644 file (or the folder it made), the written file
# must hold what the guest wrote, and the guest must still see its own
# FIFO as a FIFO (its view lives in xattrs).
# Part 2. QEMU killed (SIGKILL) under a hung guest, then the run again
# (what --resume does) with a guest that powers off: the second attempt is
# judged by its own part of libvirt's log (scripts/start-guest,
# scripts/stop-guest), not by the first attempt's "reason=crashed".
. "$(dirname "$0")/lib.sh"
work=$top/build/test-logs/guest-hostile
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
dom=isolbench-hostile-test
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

# Part 2: two attempts of one run under one domain name.
dom=isolbench-hostile-resume
rm -f "/var/log/libvirt/qemu/$dom.log"
attempt() { # attempt N CMDLINE: a run folder whose domain boots the initramfs with CMDLINE
	local a=$work/attempt$1
	mkdir -p "$a/job" "$a/out"
	echo '{"run_id": "baseline/hostile/rep1", "kernel": "baseline", "case": "idle", "case_name": "hostile"}' \
		>"$a/job/job.json"
	python3 - "$work/domain.xml" "$a/domain.xml" "$dom" "$2" "$a" <<'PY'
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]); d = t.getroot()
d.find("name").text = sys.argv[3]
d.find("os/cmdline").text = sys.argv[4]
d.find("devices/serial/source").set("path", sys.argv[5] + "/console.log")
for fs in d.iter("filesystem"):
    fs.find("source").set("dir", sys.argv[5] + "/" + ("job" if fs.find("target").get("dir") == "job" else "out"))
t.write(sys.argv[2])
PY
}
wait_off() {
	for _ in $(seq 600); do
		case "$(virsh -c qemu:///system domstate "$dom" 2>/dev/null)" in "shut off"*) return 0 ;; esac
		sleep 0.5
	done
	return 1
}
judge() { # judge N: scripts/judge-run on attempt N as the playbook calls it
	scripts/judge-run "$work/attempt$1" --accel tcg --host localhost --started 1 --ended 2 \
		--killed no --timeout 300 --kernel-json /dev/null --emulator qemu >"$work/judge$1.out" 2>&1
}
attempt 1 "console=ttyS0,115200 rdinit=/nonexistent panic=0"
check "attempt 1 starts (a guest that hangs in a panic)" \
	sh -c "scripts/start-guest qemu:///system $dom '$work/attempt1' >'$work/start1.out' 2>&1"
for _ in $(seq 240); do grep -q 'Kernel panic' "$work/attempt1/console.log" 2>/dev/null && break; sleep 0.5; done
pid=$(cat "/run/libvirt/qemu/$dom.pid" 2>/dev/null)
check "  its QEMU is killed with SIGKILL" sh -c "[ -n '$pid' ] && kill -9 $pid"
check "  libvirt says it is shut off" wait_off
scripts/stop-guest qemu:///system "$dom" "$work/attempt1" >"$work/stop1.out" 2>&1
check_grep "  its qemu.log says QEMU crashed (libvirt's own words)" 'shutting down, reason=crashed' "$work/attempt1/qemu.log"
judge 1
check "  judge-run: status emulator" test "$(jq -r .status "$work/attempt1/run.json")" = emulator
attempt 2 "console=ttyS0,115200 rdinit=/init panic=-1"
check "attempt 2 starts under the same name (--resume)" \
	sh -c "scripts/start-guest qemu:///system $dom '$work/attempt2' >'$work/start2.out' 2>&1"
check "  the guest powers off by itself" wait_off
scripts/stop-guest qemu:///system "$dom" "$work/attempt2" >"$work/stop2.out" 2>&1
check "  libvirt's log of the domain still holds attempt 1's crash" \
	grep -q 'reason=crashed' "/var/log/libvirt/qemu/$dom.log"
check "  attempt 2's qemu.log does not" sh -c "! grep -q 'reason=crashed' '$work/attempt2/qemu.log'"
judge 2
check "  judge-run does not call attempt 2 an emulator crash (status $(jq -r .status "$work/attempt2/run.json"))" \
	test "$(jq -r .status "$work/attempt2/run.json")" != emulator
virsh -c qemu:///system undefine "$dom" >/dev/null 2>&1 || true
