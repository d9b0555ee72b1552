# playbooks/prepare-host.yml on this machine: it installs and starts what a
# campaign needs, a second run changes nothing, and the host isolation
# settings (tuned, kernel parameters, hugepages) are touched only when asked
# for: here only in check mode, which must plan them and write nothing.
. "$(dirname "$0")/lib.sh"
log=build/test-logs/prepare-host
export ANSIBLE_CONFIG="$top/playbooks/ansible.cfg" ANSIBLE_NOCOLOR=1
play() { ansible-playbook -i playbooks/inventory/local.yml playbooks/prepare-host.yml "$@"; }
recap() { grep -a -E '^localhost +: ok=' "$1"; }
asked=(/etc/sysctl.d/80-isolbench-hugepages.conf /etc/tuned/realtime-virtual-host-variables.conf
	/etc/default/grub.d/isolbench.cfg)
present_before=$(ls "${asked[@]}" 2>/dev/null)
tuned_before=$(dpkg-query -W -f '${Status}' tuned 2>/dev/null)

play >"$log.1.out" 2>&1
check "first run succeeds" test $? = 0
check "first run: no failed task" grep -q 'failed=0' <<<"$(recap "$log.1.out")"
check "libvirtd answers afterwards" sh -c "virsh -c qemu:///system version >/dev/null"
play >"$log.2.out" 2>&1
check "second run succeeds" test $? = 0
check "second run changes nothing (changed=0)" grep -qE 'changed=0 .*failed=0' <<<"$(recap "$log.2.out")"
check "default runs write no isolation setting" test "$(ls "${asked[@]}" 2>/dev/null)" = "$present_before"
recap "$log.2.out"

opts=(-e host_setup_isolated_cores=1 -e host_setup_housekeeping_cores=0
	-e host_setup_tuned_profile=realtime-virtual-host -e host_setup_kernel_params=true
	-e host_setup_hugepages=64)
play --check --diff "${opts[@]}" >"$log.check.out" 2>&1
check "check mode with tuned, kernel parameters and hugepages succeeds" test $? = 0
check "  it plans changes" grep -qE 'changed=[1-9]' <<<"$(recap "$log.check.out")"
check_grep "  the tuned profile gets the isolated cores" '^\+isolated_cores=1' "$log.check.out"
check_grep "  hugepages are reserved" '^\+vm.nr_hugepages = 64' "$log.check.out"
check_grep "  the kernel parameters are spelled out" 'isolcpus=managed_irq,domain,1 nohz_full=1 rcu_nocbs=1 irqaffinity=0' \
	"$log.check.out"
check_grep "  it says a reboot is needed and does not do it" 'apply after a reboot, which this play never does' \
	"$log.check.out"
check "  nothing was written" test "$(ls "${asked[@]}" 2>/dev/null)" = "$present_before"
check "  tuned was not installed" test "$(dpkg-query -W -f '${Status}' tuned 2>/dev/null)" = "$tuned_before"

play --check -e host_setup_tuned_profile=realtime-virtual-host >"$log.nocpus.out" 2>&1
check "a tuned profile without host_setup_isolated_cores is refused" test $? != 0
check_grep "  with a message that names the variable" 'need host_setup_isolated_cores' "$log.nocpus.out"
