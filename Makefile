# isolbench: A/B kernel benchmarks for isolated (nohz_full) CPUs.
#
#   make campaign [CONFIG=configs/default.yml]   run a whole campaign
#   make test                                     unit + integration tests
#   make kernels / image / clean / help
#
# C code is built with -Wall -Wextra -Werror, every library through
# pkg-config. Each source folder declares its programs in its build.mk;
# this file only holds the rules.

CONFIG      ?= configs/default.yml
CACHE       ?= /var/cache/isolbench
# The scripts read the cache folder from the environment.
export ISOLBENCH_CACHE := $(CACHE)
RESULTS     ?= results
CC          ?= gcc
BUILD       := build
SANBUILD    := build/san

WARN        := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
BASE_CFLAGS := -std=gnu11 -g -D_GNU_SOURCE -Ilib $(WARN)
CFLAGS      ?= -O2
SANFLAGS    := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Filled in by */build.mk:
#   LIB_SRCS             sources of libisolbench (lib/), linked into every program
#   LIB_PKGS             pkg-config packages libisolbench needs
#   HOST_PROGS           programs that run on the host (report, config checker)
#   GUEST_PROGS          programs that run in the guest (built in the guest rootfs)
#   <prog>_SRCS/_PKGS    a program's own sources and pkg-config packages
#   UNIT_TESTS           cmocka test programs, built with sanitizers
LIB_SRCS    :=
LIB_PKGS    :=
HOST_PROGS  :=
GUEST_PROGS :=
UNIT_TESTS  :=
include $(sort $(wildcard */*.mk))

# Objects are compiled with the flags of every library that is installed
# (the guest rootfs has only the guest programs' libraries); each program
# links only its own.
KNOWN_PKGS := json-c yaml-0.1 libtracefs libtraceevent gsl cmocka
PKG_CFLAGS := $(foreach p,$(KNOWN_PKGS),$(shell pkg-config --exists $(p) && pkg-config --cflags $(p)))
pkg_libs   = $(if $(1),$(shell pkg-config --libs $(1)))

LIB_OBJS     := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_SAN_OBJS := $(LIB_SRCS:%.c=$(SANBUILD)/%.o)

.PHONY: all host guest campaign test unit integration kernels image clean distclean help deps check-config
.DEFAULT_GOAL := all

all: host guest
host: $(addprefix $(BUILD)/bin/,$(HOST_PROGS))
guest: $(addprefix $(BUILD)/bin/,$(GUEST_PROGS))

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(SANBUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# One link rule per program, from its _SRCS and _PKGS.
define prog_rule
$(BUILD)/bin/$(1): $($(1)_SRCS:%.c=$(BUILD)/%.o) $(LIB_OBJS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -o $$@ $$^ $$(call pkg_libs,$(LIB_PKGS) $($(1)_PKGS)) -lm -lpthread
endef
$(foreach p,$(HOST_PROGS) $(GUEST_PROGS),$(eval $(call prog_rule,$(p))))

define test_rule
$(SANBUILD)/tests/$(1): $($(1)_SRCS:%.c=$(SANBUILD)/%.o) $(LIB_SAN_OBJS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(SANFLAGS) -o $$@ $$^ $$(call pkg_libs,$(LIB_PKGS) $($(1)_PKGS) cmocka) -lm -lpthread
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call test_rule,$(t))))

unit-bins: $(addprefix $(SANBUILD)/tests/,$(UNIT_TESTS)) host guest

deps:
	scripts/install-deps

# The main job: validate the config, build kernels and image, run every
# guest, write the results folder and print its summary.
campaign: deps host
	scripts/campaign $(CONFIG)

check-config: host
	$(BUILD)/bin/isolbench-config check $(CONFIG)

kernels: deps host
	scripts/campaign --only kernels $(CONFIG)

image: deps host
	scripts/campaign --only image $(CONFIG)

test: deps
	$(MAKE) unit-bins
	tests/run

unit: unit-bins
	tests/run --unit

integration: host
	tests/run --integration

clean:
	rm -rf $(BUILD)

# Also forgets cached kernels, images and ccache (results are kept).
# CACHE must be one absolute path other than /: `CACHE= make distclean`
# would otherwise remove /kernels, /images, /build and /ccache.
ifneq ($(filter distclean,$(MAKECMDGOALS)),)
ifneq ($(words $(CACHE))$(filter-out /,$(filter /%,$(CACHE))),1$(strip $(CACHE)))
$(error distclean: CACHE='$(CACHE)' is not one absolute folder; nothing was removed)
endif
endif
distclean: clean
	rm -rf $(CACHE)/kernels $(CACHE)/images $(CACHE)/build $(CACHE)/ccache

help:
	@sed -n '3,8p' Makefile

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
