# The campaign file checker (host only: libyaml is not in the guest).
HOST_PROGS += isolbench-config
isolbench-config_SRCS := configs/validate.c configs/yaml2json.c configs/reference.c \
	bench/entry_stats.c
isolbench-config_PKGS := json-c yaml-0.1
