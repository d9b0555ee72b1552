# The campaign file checker (host only: libyaml is not in the guest).
HOST_PROGS += isolbench-config
# The gates are checked by the report's own code (report/gates.c).
isolbench-config_SRCS := configs/validate.c configs/yaml2json.c report/gates.c report/campaign.c \
	report/instr_figures.c
isolbench-config_PKGS := json-c yaml-0.1
