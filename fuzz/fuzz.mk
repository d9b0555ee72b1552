# Fuzz targets (libFuzzer with Debian's clang, ASan and UBSan): the campaign
# file checker and the readers of guest-written result files, the input a
# user or a guest under test controls. `make fuzz-bins` builds them into
# build/fuzz/; scripts/fuzz runs one (tests/integration/fuzz-smoke.sh runs
# each for 20 s in `make test`; docs/testing.md says how to run longer).
FUZZ_CC      ?= clang
FUZZBUILD    := build/fuzz
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer
FUZZ_TARGETS := fuzz_config fuzz_results fuzz_tracecmd
# libisolbench's sources (lib/build.mk is read after this file).
FUZZ_LIB_SRCS := $(sort $(wildcard lib/*.c))

# The checker's main() is renamed so the target can call it.
fuzz_config_SRCS   := fuzz/fuzz_config.c configs/validate.c configs/yaml2json.c \
		      report/gates.c report/campaign.c
fuzz_config_PKGS   := json-c yaml-0.1
fuzz_config_CFLAGS := -Dmain=isolbench_config_main
fuzz_results_SRCS  := fuzz/fuzz_results.c
fuzz_results_PKGS  := json-c
fuzz_tracecmd_SRCS := fuzz/fuzz_tracecmd.c collectors/ipi_match.c collectors/tracecmd_report.c
fuzz_tracecmd_PKGS := json-c

.PHONY: fuzz-bins
fuzz-bins: $(addprefix $(FUZZBUILD)/bin/,$(FUZZ_TARGETS))

# Objects per target (one of them renames main), libisolbench included.
define fuzz_rule
$(FUZZBUILD)/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE -Ilib -Wall -Wextra -Werror $$(FUZZ_FLAGS) \
		$$($(1)_CFLAGS) $$(PKG_CFLAGS) -MMD -MP -c -o $$@ $$<

$(FUZZBUILD)/bin/$(1): $$(patsubst %.c,$(FUZZBUILD)/$(1)/%.o,$$($(1)_SRCS) $$(FUZZ_LIB_SRCS))
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_FLAGS) -o $$@ $$^ $$(call pkg_libs,$$($(1)_PKGS)) -lm -lpthread
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))
