# tests/vm/: the kernel matrix.  `make check-kernels KERNELS="6.1 6.12"`
# runs tests/e2e/90-kernels.sh alone (make check runs it with the other
# end-to-end tests, on its default kernels: 6.1 6.1-rt 6.12).
KERNELS ?= 6.1 6.1-rt 6.12

# The host's TSC frequency, handed to every guest (see tests/vm/tsc-khz.c).
TSC_KHZ := $(O)/tests/vm/tsc-khz
$(TSC_KHZ): tests/vm/tsc-khz.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 $(WARN) $< -o $@

check-kernels: all static $(TSC_KHZ)
	$(Q)O=$(O) KERNELS="$(KERNELS)" tests/run.sh tests/e2e/90-kernels.sh
.PHONY: check-kernels

# make check runs the matrix too (tests/e2e/90-kernels.sh): it needs the
# static binaries.
check: static $(TSC_KHZ)
