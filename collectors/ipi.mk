# collectors/: programs that record what happens on the isolated CPUs.
#   isolbench-ipi             IPIs sent to / received by the isolated CPUs, per
#                             callback, from a private tracefs instance (guest)
#   isolbench-tracecmd-count  the same counts from `trace-cmd report` text, to
#                             cross-check the collector with the seed's pipeline
GUEST_PROGS += isolbench-ipi
HOST_PROGS += isolbench-tracecmd-count

isolbench-ipi_SRCS := collectors/ipi.c collectors/ipi_match.c collectors/tracecmd_report.c
isolbench-ipi_PKGS := json-c libtracefs libtraceevent

isolbench-tracecmd-count_SRCS := collectors/tracecmd_count.c collectors/ipi_match.c \
	collectors/tracecmd_report.c
isolbench-tracecmd-count_PKGS := json-c

UNIT_TESTS += test_ipi_match
test_ipi_match_SRCS := tests/unit/test_ipi_match.c collectors/ipi_match.c collectors/tracecmd_report.c

# isolbench-osnoise: the osnoise tracer under the workload, noise time per source (guest)
GUEST_PROGS += isolbench-osnoise
isolbench-osnoise_SRCS := collectors/osnoise.c collectors/osnoise_agg.c
isolbench-osnoise_PKGS := json-c libtracefs libtraceevent

UNIT_TESTS += test_osnoise
test_osnoise_SRCS := tests/unit/test_osnoise.c collectors/osnoise_agg.c
