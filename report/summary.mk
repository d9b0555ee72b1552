# The table printed at the end of a campaign.
HOST_PROGS += isolbench-summary
isolbench-summary_SRCS := report/summary.c
isolbench-summary_PKGS := json-c
