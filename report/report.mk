# isolbench-report: a campaign folder (and optionally a baseline campaign)
# -> report.md, report.html, PNG plots and verdict.json in <campaign>/report/.
HOST_PROGS += isolbench-report
isolbench-report_SRCS := report/report.c report/campaign.c report/analysis.c report/doc.c \
	report/plot.c report/gates.c report/stats.c report/audit.c report/instr.c report/instr_figures.c \
	report/fidelity.c report/osnoise.c report/designs.c
isolbench-report_PKGS := json-c gsl

UNIT_TESTS += test_stats
test_stats_SRCS := tests/unit/test_stats.c report/stats.c
test_stats_PKGS := gsl
