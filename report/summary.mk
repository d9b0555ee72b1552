# The table printed at the end of a campaign; the campaign is read by the
# report's own loader (report/campaign.c), so both read every file the same way.
HOST_PROGS += isolbench-summary
isolbench-summary_SRCS := report/summary.c report/campaign.c
isolbench-summary_PKGS := json-c
