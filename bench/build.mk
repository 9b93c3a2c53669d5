# bench/: `make bench` (issue 6).  Owned by bench/.
#
#   loop         the target: a tight getppid() loop, ns per call
#   kagg         in-kernel aggregator, kernel_delay.py's way (the peer)
#   gen_capture  synthetic captures through format/ for report RSS/speed
#   run.sh       runs every measurement, writes docs/performance.md
#
# This fragment is included before the top Makefile defines objs and
# FORMAT_LIB, so prerequisites name their paths directly.
# BENCH_QUICK=1 shortens every duration (development); BENCH_ONLY="1 4"
# runs only those measurements.

BENCH_BINS := $(O)/bench/loop $(O)/bench/kagg $(O)/bench/gen_capture
BENCH_BPF_CFLAGS := $(BPF_CFLAGS) -Ibench

# The format engineer's codec benchmark runs first when it exists.
BENCH_FORMAT := $(if $(shell grep -ls '^bench-format *:' format/build.mk),bench-format)

$(O)/bench/%.bpf.o: bench/%.bpf.c bench/%.h $(O)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BENCH_BPF_CFLAGS) -c $< -o $@

$(O)/bench/kagg.o: $(O)/bench/kagg.skel.h

$(O)/bench/loop: $(O)/bench/loop.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ -o $@

$(O)/bench/kagg: $(O)/bench/kagg.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ -lbpf -lelf -lz -o $@

$(O)/bench/gen_capture: $(O)/bench/gen_capture.o $(O)/libkdformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(FORMAT_LIBS) -o $@

bench-tools: $(BENCH_BINS)

bench: $(BENCH_FORMAT) $(BENCH_BINS) $(O)/kdelay-record $(O)/kdelay-report $(SAMPLE_BINS)
	$(Q)O=$(O) bench/run.sh

.PHONY: bench-tools

# The streaming designs' correctness test runs in `make check` (a few
# seconds): bench/stream-check.sh needs kagg and loop.
E2E_TESTS += bench/stream-check.sh
check: $(O)/bench/kagg $(O)/bench/loop
