# isolbench-irqstat: /proc/interrupts and /proc/softirqs snapshots and diffs.
GUEST_PROGS += isolbench-irqstat
isolbench-irqstat_SRCS := collectors/irqstat.c
isolbench-irqstat_PKGS := json-c
