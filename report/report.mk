# isolbench-report: a campaign folder (and optionally a baseline campaign)
# -> report.md, report.html, PNG plots and verdict.json in <campaign>/report/.
HOST_PROGS += isolbench-report
isolbench-report_SRCS := report/report.c report/campaign.c report/analysis.c report/doc.c \
	report/plot.c report/gates.c report/stats.c report/audit.c report/instr.c report/instr_figures.c \
	report/fidelity.c report/osnoise.c report/metrics.c report/designs.c
isolbench-report_PKGS := json-c gsl

UNIT_TESTS += test_stats
test_stats_SRCS := tests/unit/test_stats.c report/stats.c
test_stats_PKGS := gsl

# Every allocation of the loader and the analysis fails once in turn: no crash,
# and rp_campaign_load()/rp_analyse() say so (realloc/calloc wrapped at link time).
UNIT_TESTS += test_report_alloc
test_report_alloc_SRCS := tests/unit/test_report_alloc.c report/campaign.c report/analysis.c \
	report/instr.c report/instr_figures.c report/doc.c report/plot.c \
	report/stats.c
test_report_alloc_PKGS := gsl
test_report_alloc_LDFLAGS := -Wl,--wrap=realloc -Wl,--wrap=calloc

# isolbench-compare: metrics.json of two or more campaigns -> change and spread per metric.
HOST_PROGS += isolbench-compare
isolbench-compare_SRCS := report/compare.c
isolbench-compare_PKGS := json-c
