# libisolbench: code shared by host and guest programs. It may depend on
# libc and json-c only (the guest rootfs has nothing else); GSL-based
# statistics live in report/.
LIB_SRCS += $(sort $(wildcard lib/*.c))
LIB_PKGS += json-c
