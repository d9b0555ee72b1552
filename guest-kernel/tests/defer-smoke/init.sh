#!/bin/busybox sh
# /init of the IPI-deferral smoke-test guest (runs as PID 1 on a 9p root).
#
# Kernel command line knobs (defaults in brackets):
#   defer.toggles=N   static-key flips: sched_switch enable+disable [200]
#   defer.kprobes=N   kprobe event create/enable/disable/delete cycles [50]
#   defer.bpf=N       classic BPF socket filters attached and freed [300]
#   defer.stress=S    then S seconds of syscall-heavy isolated CPUs while
#                     the provocations repeat on housekeeping CPUs [0]
#   defer.isol=LIST   isolated CPUs that run the user-space loops [2,3]
#   defer.stackleak=N kernel.stack_erasing sysctl flips 0/1 [0]: its static
#                     key stack_erasing_bypass is tested in the exit window
#                     (needs fragments/stackleak.config); the series must
#                     send these sync_core IPIs, not defer them
#   defer.stress_toggles=N, defer.stress_kprobes=N, defer.stress_bpf=N
#                     provocations per stress round [20, 5, 40]
#
# Results go to /results (summary.txt, counts.txt, trace.txt.gz, ...), and
# the summary is also printed on the console between SMOKE-BEGIN/SMOKE-END.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing
T=/sys/kernel/tracing
R=/results
mkdir -p $R /tmp
mount -t tmpfs tmp /tmp

TOGGLES=200 KPROBES=50 BPF=300 STRESS=0 ISOL=2,3 STACKLEAK=0
S_TOGGLES=20 S_KPROBES=5 S_BPF=40
for w in $(cat /proc/cmdline); do
	case "$w" in
	defer.toggles=*) TOGGLES=${w#*=} ;;
	defer.kprobes=*) KPROBES=${w#*=} ;;
	defer.bpf=*) BPF=${w#*=} ;;
	defer.stress=*) STRESS=${w#*=} ;;
	defer.isol=*) ISOL=${w#*=} ;;
	defer.stackleak=*) STACKLEAK=${w#*=} ;;
	defer.stress_toggles=*) S_TOGGLES=${w#*=} ;;
	defer.stress_kprobes=*) S_KPROBES=${w#*=} ;;
	defer.stress_bpf=*) S_BPF=${w#*=} ;;
	esac
done
ISOL=$(echo "$ISOL" | tr , ' ')

log() { echo "defer-smoke: $*"; echo "$*" > $T/trace_marker 2>/dev/null; }

provoke_toggles() {
	i=0
	while [ $i -lt "$1" ]; do
		echo 1 > $T/instances/toggle/events/sched/sched_switch/enable
		echo 0 > $T/instances/toggle/events/sched/sched_switch/enable
		i=$((i + 1))
	done
}

provoke_kprobes() {
	i=0
	while [ $i -lt "$1" ]; do
		echo 'p:smoke_kp do_sys_openat2' >> $T/kprobe_events || return
		echo 1 > $T/instances/toggle/events/kprobes/smoke_kp/enable
		cat /proc/self/stat > /dev/null
		echo 0 > $T/instances/toggle/events/kprobes/smoke_kp/enable
		echo '-:smoke_kp' >> $T/kprobe_events
		i=$((i + 1))
	done
}

provoke_stackleak() {
	[ "$1" -gt 0 ] || return 0
	if [ ! -w /proc/sys/kernel/stack_erasing ]; then
		log "no kernel.stack_erasing sysctl (kernel without STACKLEAK_RUNTIME_DISABLE)"
		return 0
	fi
	i=0
	while [ $i -lt "$1" ]; do
		echo 0 > /proc/sys/kernel/stack_erasing
		echo 1 > /proc/sys/kernel/stack_erasing
		i=$((i + 1))
	done
}

provoke_bpf() {
	taskset -c 0-1 /bin/defer-helper bpf "$1"
}

echo "defer-smoke: kernel $(uname -r), cmdline: $(cat /proc/cmdline)"
echo "defer-smoke: nohz_full=$(cat /sys/devices/system/cpu/nohz_full 2>/dev/null)"
CT=no
[ -d $T/events/context_tracking/ct_work_defer ] && CT=yes
echo "defer-smoke: ct_work events present: $CT"

mkdir -p $T/instances/toggle
echo 16384 > $T/buffer_size_kb
echo 0 > $T/tracing_on
for e in ipi/ipi_send_cpu ipi/ipi_send_cpumask csd/csd_queue_cpu \
	 context_tracking/ct_work_defer context_tracking/ct_work_run; do
	[ -d $T/events/$e ] && echo 1 > $T/events/$e/enable
done

# User-space loops on the isolated CPUs; give the tick time to stop.
SPIN=""
for c in $ISOL; do
	taskset -c "$c" /bin/defer-helper spin &
	SPIN="$SPIN $!"
done
sleep 3
echo > $T/trace
echo 1 > $T/tracing_on

log "phase toggles n=$TOGGLES"
provoke_toggles "$TOGGLES"
log "phase kprobes n=$KPROBES"
provoke_kprobes "$KPROBES"
log "phase bpf n=$BPF"
provoke_bpf "$BPF"
log "phase stackleak n=$STACKLEAK"
provoke_stackleak "$STACKLEAK"
sleep 3
# Bring the isolated CPUs into the kernel so pending work runs and is traced.
log "phase stop"
kill $SPIN
wait 2>/dev/null
sleep 1
echo 0 > $T/tracing_on

cat $T/trace > /tmp/trace.txt
cat $T/per_cpu/cpu*/stats > $R/ring-stats.txt 2>/dev/null
# Count per event: csd/ipi callbacks by target, ct_work by cpu and mask.
awk '
function kv(name,   i) {
	for (i = start + 1; i <= NF; i++)
		if (index($i, name "=") == 1)
			return substr($i, length(name) + 2);
	return "?";
}
/^#/ { next }
{
	ev = ""; cpu = -1;
	for (i = 1; i <= NF; i++) {
		if (cpu < 0 && $i ~ /^\[[0-9]+\]$/) {
			cpu = substr($i, 2, length($i) - 2) + 0;
		} else if (cpu >= 0 && $i ~ /^[a-z_]+:$/) {
			ev = substr($i, 1, length($i) - 1); start = i; break;
		}
	}
	if (ev == "csd_queue_cpu")
		n["csd func=" kv("func") " target=" kv("cpu")]++;
	else if (ev == "ipi_send_cpu")
		n["ipi_send_cpu callback=" kv("callback") " target=" kv("cpu")]++;
	else if (ev == "ipi_send_cpumask")
		n["ipi_send_cpumask callback=" kv("callback") " mask=" kv("cpumask")]++;
	else if (ev == "ct_work_defer")
		n["ct_work_defer work=" kv("work") " target=" kv("cpu")]++;
	else if (ev == "ct_work_run")
		n["ct_work_run work=" kv("work") " cpu=" cpu]++;
}
END { for (k in n) print k, "count=" n[k]; }' /tmp/trace.txt | sort > $R/counts.txt
gzip -c /tmp/trace.txt > $R/trace.txt.gz

{
	echo "kernel=$(uname -r) ct_work_events=$CT isolated=$(echo $ISOL | tr ' ' ,)"
	echo "provocations: toggles=$TOGGLES kprobes=$KPROBES bpf=$BPF stackleak=$STACKLEAK"
	for c in $ISOL; do
		for f in do_sync_core do_flush_tlb_all do_kernel_range_flush \
			 __cpa_flush_tlb __cpa_flush_all; do
			v=$(grep "^csd func=$f target=$c " $R/counts.txt | sed 's/.*count=//')
			echo "cpu$c csd $f ${v:-0}"
		done
		# Any other callback queued to this CPU (not deferrable ones).
		grep " target=$c " $R/counts.txt | grep '^csd ' |
			grep -Ev 'func=(do_sync_core|do_flush_tlb_all|do_kernel_range_flush|__cpa_flush_tlb|__cpa_flush_all) ' |
			sed "s/^csd func=\([^ ]*\) target=[0-9]* count=/cpu$c other-csd \1 /"
		for w in 0x1 0x2; do
			v=$(grep "^ct_work_defer work=$w target=$c " $R/counts.txt | sed 's/.*count=//')
			echo "cpu$c ct_work_defer work=$w ${v:-0}"
		done
		for w in 0x1 0x2 0x3; do
			v=$(grep "^ct_work_run work=$w cpu=$c " $R/counts.txt | sed 's/.*count=//')
			echo "cpu$c ct_work_run work=$w ${v:-0}"
		done
	done
	for f in do_sync_core do_flush_tlb_all do_kernel_range_flush \
		 __cpa_flush_tlb __cpa_flush_all; do
		echo "all-cpus csd $f $(grep "^csd func=$f " $R/counts.txt | sed 's/.*count=//' | awk '{ s += $1 } END { print s + 0 }')"
	done
} > $R/summary.txt
echo SMOKE-BEGIN
cat $R/summary.txt
echo SMOKE-END

if [ "$STRESS" -gt 0 ]; then
	log "phase stress s=$STRESS"
	echo 1 > $T/tracing_on
	LOAD=""
	set -- $ISOL
	for c in $ISOL; do
		if [ "$c" = "$1" ]; then
			taskset -c "$c" /bin/defer-helper getpid "$STRESS" &
		else
			taskset -c "$c" /bin/defer-helper procstat "$STRESS" &
		fi
		LOAD="$LOAD $!"
	done
	end=$(( $(cut -d. -f1 /proc/uptime) + STRESS ))
	rounds=0
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		provoke_toggles "$S_TOGGLES"
		provoke_kprobes "$S_KPROBES"
		[ "$S_BPF" -gt 0 ] && provoke_bpf "$S_BPF" > /dev/null
		sleep 0.1
		rounds=$((rounds + 1))
	done
	wait $LOAD
	echo 0 > $T/tracing_on
	echo "STRESS-DONE rounds=$rounds"
fi
sync
echo "defer-smoke: done"
poweroff -f
