# Unit tests of libisolbench's latency and interrupt pieces (cmocka).
UNIT_TESTS += test_hist test_latency test_procirq
test_hist_SRCS    := tests/unit/test_hist.c
test_latency_SRCS := tests/unit/test_latency.c
test_procirq_SRCS := tests/unit/test_procirq.c
# perf stat -x, output (lib/perfstat.c), real no-PMU files and hand-written KVM ones.
UNIT_TESTS += test_perfstat
test_perfstat_SRCS := tests/unit/test_perfstat.c
# The registry of kinds and the job loader's limits (lib/kinds.c, lib/jobspec.c).
UNIT_TESTS += test_kinds
test_kinds_SRCS := tests/unit/test_kinds.c
