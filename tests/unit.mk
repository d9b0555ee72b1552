# Unit tests that read real output of guest programs (kept out of bench/,
# whose *.mk files are part of the guest image's cache key).
UNIT_TESTS += test_icount
test_icount_SRCS := tests/unit/test_icount.c bench/entry_stats.c
test_icount_PKGS := json-c
