# tests/vm/: the kernel matrix.  `make check-kernels KERNELS="6.1 6.12"`
# runs tests/e2e/90-kernels.sh alone (make check runs it with the other
# end-to-end tests, on its default kernels: 6.1 6.1-rt 6.12).
KERNELS ?= 6.1 6.1-rt 6.12

check-kernels: all static
	$(Q)O=$(O) KERNELS="$(KERNELS)" tests/run.sh tests/e2e/90-kernels.sh
.PHONY: check-kernels
