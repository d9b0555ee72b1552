# The guest domain XML, rendered from the guest_run role's template outside
# a campaign for a 16-CPU host and an 8-vCPU guest: valid for libvirt's
# schema and accepted by libvirtd (defined, never started) for KVM and TCG,
# and the KVM one follows the real-time recipe. A plan that oversubscribes
# the host must fail the recipe check (so the check is not vacuous).
. "$(dirname "$0")/lib.sh"
work=build/test-logs/domain-xml
rm -rf "$work"; mkdir -p "$work"
export ANSIBLE_CONFIG="$top/playbooks/ansible.cfg" ANSIBLE_NOCOLOR=1
cfg=build/bin/isolbench-config
files=tests/integration/files
check "libvirtd answers (started here if it was not running)" need_libvirtd
render() { # render NAME ACCEL PLAN [ansible -e ...]
	local name=$1 accel=$2 plan=$3; shift 3
	ansible-playbook "$files/render-domain.yml" -e "accel=$accel" -e "pin_json=$top/$plan" \
		-e "out=$top/$work/$name.xml" "$@" >"$work/$name.render.log" 2>&1
}
recipe() { # recipe NAME ACCEL [check-rt-recipe options]
	local name=$1 accel=$2; shift 2
	python3 "$files/check-rt-recipe.py" "$work/$name.xml" --accel "$accel" --host-cpus 0-15 "$@" \
		>"$work/$name.recipe" 2>&1
}
defines() { # defines NAME: libvirtd accepts it (then it is undefined again)
	local dom; dom=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$work/$1.xml" | head -n1)
	virsh -c qemu:///system define "$work/$1.xml" >"$work/$1.define" 2>&1 &&
		virsh -c qemu:///system undefine "$dom" >>"$work/$1.define" 2>&1
}

check "pin plan for a 16-CPU host" sh -c \
	"$cfg pin --vcpus 8 --housekeeping 0-1 --host-cpus 0-15 >$work/plan16.json"
check "pin plan with host housekeeping CPUs 0-1 (host isolates 2-15)" sh -c \
	"$cfg pin --vcpus 8 --housekeeping 0-1 --host-cpus 0-15 --host-isolated 2-15 >$work/plan-hk.json"
check "  emulator threads go on the host's housekeeping CPUs" \
	test "$(jq -r .emulator_cpus "$work/plan-hk.json")" = 0-1
check "  vCPUs go on the isolated host CPUs" \
	test "$(jq -c .vcpu_host_cpus "$work/plan-hk.json")" = "[2,3,4,5,6,7,8,9]"
check "pin plan for a 4-CPU host (oversubscribed)" sh -c \
	"$cfg pin --vcpus 8 --housekeeping 0-1 --host-cpus 0-3 >$work/plan4.json"
check "  says it is oversubscribed" test "$(jq -r .oversubscribed "$work/plan4.json")" = true

for accel in kvm tcg; do
	check "$accel: template renders" render "$accel" "$accel" "$work/plan16.json"
	check "$accel: valid for libvirt's domain schema" virt-xml-validate "$work/$accel.xml" domain
	check "$accel: libvirtd defines it" defines "$accel"
	check "$accel: follows the real-time recipe on 16 host CPUs" recipe "$accel" "$accel"
	check "$accel: renders with host housekeeping CPUs" render "$accel-hk" "$accel" "$work/plan-hk.json"
	check "$accel: that one follows the recipe too" recipe "$accel-hk" "$accel"
done
check_grep "kvm: domain type kvm" "<domain type='kvm'>" "$work/kvm.xml"
check_grep "tcg: domain type qemu" "<domain type='qemu'>" "$work/tcg.xml"
check_grep "kvm: host-passthrough CPU" "<cpu mode='host-passthrough'" "$work/kvm.xml"
check_grep "kvm: invariant TSC required" "<feature policy='require' name='invtsc'/>" "$work/kvm.xml"
check_grep "kvm: memory locked" "<locked/>" "$work/kvm.xml"
check "tcg: no host CPU features or locked memory" \
	sh -c "! grep -qE 'host-passthrough|invtsc|<locked/>' $work/tcg.xml"
check "every vCPU pinned (8 vcpupin)" test "$(grep -c '<vcpupin' "$work/kvm.xml")" = 8
# guest.tcg_threads: single runs TCG guests through the wrapper that turns
# -accel tcg into -accel tcg,thread=single; libvirtd must accept it as the
# emulator (it probes its capabilities). KVM guests never use it.
check "tcg with tcg_threads single renders" render tcg-single tcg "$work/plan16.json" \
	-e render_tcg_threads=single
check_grep "  emulator is the single-thread wrapper" "<emulator>/.*/scripts/qemu-tcg-single</emulator>" \
	"$work/tcg-single.xml"
check "  libvirtd defines it (probing the wrapper as its emulator)" defines tcg-single
check "  no per-vCPU pinning (one host thread runs every vCPU)" \
	test "$(grep -c '<vcpupin' "$work/tcg-single.xml")" = 0
check "kvm ignores tcg_threads" render kvm-single kvm "$work/plan16.json" -e render_tcg_threads=single
check_grep "  emulator is QEMU itself" "<emulator>/usr/bin/qemu-system-x86_64</emulator>" \
	"$work/kvm-single.xml"
check "wrapper: -accel tcg becomes tcg,thread=single" \
	test "$(QEMU_REAL=echo scripts/qemu-tcg-single -m 1 -accel tcg -smp 4)" = "-m 1 -accel tcg,thread=single -smp 4"
check "wrapper: an explicit thread=multi is replaced, other options kept" \
	test "$(QEMU_REAL=echo scripts/qemu-tcg-single -accel tcg,thread=multi,tb-size=64)" = "-accel tcg,thread=single,tb-size=64"
check "wrapper: other accelerators pass through" \
	test "$(QEMU_REAL=echo scripts/qemu-tcg-single -accel kvm)" = "-accel kvm"
# The deterministic mode (run_icount, from guest.accel icount or a case's
# when_tcg): the single-thread wrapper plus -icount through qemu:commandline.
check "icount renders" render tcg-icount tcg "$work/plan16.json" -e run_icount=True
check "  valid for the schema" virt-xml-validate "$work/tcg-icount.xml" domain
check "  libvirtd defines it" defines tcg-icount
check_grep "  emulator is the single-thread wrapper" "<emulator>/.*/scripts/qemu-tcg-single</emulator>" \
	"$work/tcg-icount.xml"
check "  -icount shift=0,sleep=off on QEMU's command line" sh -c \
	"grep -q \"<qemu:arg value='-icount'/>\" $work/tcg-icount.xml && grep -q \"<qemu:arg value='shift=0,sleep=off'/>\" $work/tcg-icount.xml"
check "  libvirt passes them to QEMU" sh -c "virsh -c qemu:///system domxml-to-native qemu-argv \
	$work/tcg-icount.xml | grep -q -- '-icount shift=0,sleep=off'"
check "kvm ignores run_icount" render kvm-icount kvm "$work/plan16.json" -e run_icount=True
check "  (no -icount under KVM)" sh -c "! grep -q icount $work/kvm-icount.xml"
check_grep "disk I/O on a pinned iothread" "<driver name='qemu' type='raw' iothread='1'/>" "$work/kvm.xml"

# The optional parts of the recipe, when asked for.
check "kvm with FIFO vCPUs and hugepages renders" render kvm-rt kvm "$work/plan16.json" \
	-e guest_vcpu_fifo_priority=1 -e guest_hugepages=true
check "  valid for the schema" virt-xml-validate "$work/kvm-rt.xml" domain
check "  libvirtd defines it" defines kvm-rt
check "  isolated vCPUs 2-7 run SCHED_FIFO, memory on hugepages" \
	recipe kvm-rt kvm --fifo 1 --isolated 2-7 --hugepages
check "tcg ignores FIFO and hugepages" render tcg-rt tcg "$work/plan16.json" \
	-e guest_vcpu_fifo_priority=1 -e guest_hugepages=true
check "  (no vcpusched, no hugepages)" sh -c "! grep -qE 'vcpusched|hugepages' $work/tcg-rt.xml"

# The checker itself: an oversubscribed plan breaks the recipe.
check "oversubscribed plan renders" render kvm-over kvm "$work/plan4.json"
check "  and fails the recipe check" sh -c "! python3 $files/check-rt-recipe.py $work/kvm-over.xml \
	--accel kvm --host-cpus 0-3 >$work/kvm-over.recipe"
check_grep "  because vCPUs share host CPUs" 'shares host CPU' "$work/kvm-over.recipe"
cat "$work"/*.recipe

# Hostile values: extra_cmdline and the run id are escaped, so they stay
# text and cannot add a disk or break the XML; the guest's out/ share uses
# mapped access (no host device nodes, links or setuid files from a guest).
hostile='x</cmdline></os><devices><disk type="file" device="disk"><source file="/etc/shadow"/><target dev="vdb"/></disk></devices><os><cmdline>y & z'\'''
jq -n --arg c "$hostile" --arg r 'a&b<c>/"d"' '{render_extra_cmdline: $c, render_run_id: $r}' \
	>"$work/hostile-vars.json"
check "hostile extra_cmdline and run id render" render tcg-hostile tcg "$work/plan16.json" \
	-e "@$work/hostile-vars.json"
check "  still valid for the schema" virt-xml-validate "$work/tcg-hostile.xml" domain
check "  still one disk" test "$(grep -c '<disk' "$work/tcg-hostile.xml")" = 1
check "  the cmdline holds the value as text" python3 -c '
import sys, xml.etree.ElementTree as ET
d = ET.parse(sys.argv[1]).getroot()
assert d.find("os/cmdline").text.endswith(sys.argv[2]), d.find("os/cmdline").text
assert d.find("metadata")[0].text == sys.argv[3]' "$work/tcg-hostile.xml" "$hostile" 'a&b<c>/"d"'
check "  libvirtd defines it" defines tcg-hostile
check "the guest's out/ share is mapped (guest modes and types stay in xattrs)" python3 -c '
import sys, xml.etree.ElementTree as ET
fs = [f for f in ET.parse(sys.argv[1]).getroot().iter("filesystem")
      if f.find("target").get("dir") == "results"]
assert len(fs) == 1 and fs[0].get("accessmode") == "mapped", [f.attrib for f in fs]' "$work/kvm.xml"
