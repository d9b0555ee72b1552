# bench/: the programs that load and measure the guest's isolated CPUs.
#   isolbench-entry  kernel-entry rate sweep on isolated CPUs (the "bad case")
#   isolbench-storm  IPI provokers, run on housekeeping CPUs
GUEST_PROGS += isolbench-entry isolbench-storm

isolbench-entry_SRCS := bench/entry.c bench/entry_stats.c
isolbench-entry_PKGS := json-c

isolbench-storm_SRCS := bench/storm.c
isolbench-storm_PKGS := json-c

UNIT_TESTS += test_entry_stats test_parse
test_entry_stats_SRCS := tests/unit/test_entry_stats.c bench/entry_stats.c
test_parse_SRCS := tests/unit/test_parse.c
