# The guest's PID 1 and the job runner.
GUEST_PROGS += isolbench-init isolbench-run
isolbench-init_SRCS := bench/init.c
isolbench-run_SRCS  := bench/run.c
isolbench-run_PKGS  := json-c
