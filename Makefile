# kdelay top-level Makefile.
#
# Each directory describes its own sources in a build.mk fragment; this
# file owns the rules.  Everything is built under $(O) (default .output/),
# the sanitizer build of the unit tests under $(O)/san/.
#
#   make              build kdelay-record, kdelay-report, kdelay
#   make check        unit tests (normal + ASan/UBSan) and end-to-end tests
#   make report-only  the laptop build: format/ + report/, no libbpf
#   make static       .output/static/kdelay-record and kdelay, statically linked
#   make check-kernels  the kernel matrix alone (KERNELS="6.1 6.1-rt 6.12")
#   make bench        benchmarks, results in docs/performance.md
#   make fuzz         run the capture-reader fuzzer for FUZZ_SECONDS
#   make install      PREFIX=/usr/local DESTDIR=
#   V=1               show full commands

O ?= .output
PREFIX ?= /usr/local
DESTDIR ?=
FUZZ_SECONDS ?= 60

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/;s/ppc64le/powerpc/;s/s390x/s390/')
MULTIARCH := $(shell $(CC) -dumpmachine)

WARN := -Wall -Wextra -Werror
# report/'s folders follow its pipeline (report/build.mk); its sources
# include each other by bare name.
REPORT_INC := -Ireport -Ireport/engine -Ireport/sinks -Ireport/export -Ireport/diff -Ireport/cli
BASE_CFLAGS := -std=gnu11 -g $(WARN) -D_GNU_SOURCE -Iformat $(REPORT_INC) -Irecord -Ibpf -I$(O)
CFLAGS ?= -O2
ALL_CFLAGS := $(BASE_CFLAGS) $(CFLAGS)
SAN_FLAGS := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CFLAGS := $(BASE_CFLAGS) $(SAN_FLAGS)

FORMAT_LIBS := -lzstd -lcbor -lpthread
REPORT_LIBS := $(FORMAT_LIBS) -lm
RECORD_LIBS := $(FORMAT_LIBS) -lbpf -lelf -lz -lpthread

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
# Keep intermediate objects: deleting them makes every make rebuild.
.SECONDARY:
.DEFAULT_GOAL := all

# Defined before the fragments: make expands prerequisites as it reads them.
objs = $(patsubst %.c,$(O)/%.o,$(1))
san_objs = $(patsubst %.c,$(O)/san/%.o,$(1))

FORMAT_LIB := $(O)/libkdformat.a
REPORT_LIB := $(O)/libkdreport.a
RECORD_LIB := $(O)/libkdrecord.a
SAN_FORMAT_LIB := $(O)/san/libkdformat.a
SAN_REPORT_LIB := $(O)/san/libkdreport.a

# Fragments fill in: FORMAT_SRCS REPORT_SRCS REPORT_MAIN RECORD_SRCS
# RECORD_MAIN KDELAY_MAIN BPF_SRCS SAMPLE_BINS UNIT_TESTS E2E_TESTS ...
include format/build.mk
include report/build.mk
include record/build.mk
include bpf/build.mk
include samples/build.mk
include tests/build.mk
-include bench/build.mk
-include report/export/export.mk
-include report/diff/diff.mk
include static/build.mk
include tests/vm/build.mk
REPORT_SRCS += $(EXPORT_SRCS) $(DIFF_SRCS)


BINS := $(O)/kdelay-record $(O)/kdelay-report $(O)/kdelay

all: $(BINS) $(SAMPLE_BINS)

$(O)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(O)/san/%.o: %.c
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAN_CFLAGS) -MMD -MP -c $< -o $@

$(FORMAT_LIB): $(call objs,$(FORMAT_SRCS))
$(REPORT_LIB): $(call objs,$(REPORT_SRCS))
$(RECORD_LIB): $(call objs,$(RECORD_SRCS))
$(SAN_FORMAT_LIB): $(call san_objs,$(FORMAT_SRCS))
$(SAN_REPORT_LIB): $(call san_objs,$(REPORT_SRCS))
%.a:
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The recorder's objects include the BPF skeleton.
$(call objs,$(RECORD_SRCS) $(RECORD_MAIN) $(KDELAY_MAIN)): $(O)/kdelay.skel.h

$(O)/kdelay-report: $(call objs,$(REPORT_MAIN)) $(REPORT_LIB) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(REPORT_LIBS) -o $@

$(O)/kdelay-record: $(call objs,$(RECORD_MAIN)) $(RECORD_LIB) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(RECORD_LIBS) -o $@

# kdelay (the kernel_delay.py drop-in) drives the recorder and the report.
$(O)/kdelay: $(call objs,$(KDELAY_MAIN)) $(RECORD_LIB) $(REPORT_LIB) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(RECORD_LIBS) -lm -o $@

# ------------------------------------------------------------ laptop build
# format/ and report/ only, compiled with <linux/*> and <bpf/*> shadowed by
# headers that #error, without glibc's GNU extensions (_DEFAULT_SOURCE, not
# _GNU_SOURCE, which also drags <linux/stat.h> in through <sys/stat.h>),
# and linked with nothing but libzstd and libcbor (and the C library's
# libm and libpthread, for the reader's read-ahead thread): proves the
# report builds on a machine that is not Linux-with-BPF.  One object per source with its header dependencies
# (-MMD, the .d files the last line of this Makefile includes), so that
# a changed header rebuilds what includes it.
LAPTOP_O := $(O)/laptop
LAPTOP_CFLAGS := -std=gnu11 -O2 $(WARN) -D_DEFAULT_SOURCE -Itests/no-linux -Iformat $(REPORT_INC)
LAPTOP_SRCS := $(FORMAT_SRCS) $(REPORT_SRCS) $(REPORT_MAIN)
LAPTOP_LIBS := $(FORMAT_LIBS) -lm
# what ldd may show beside those two: the C library and the loader
LAPTOP_SYSTEM_LIBS := linux-vdso|linux-gate|ld-linux[^ ]*|libc|libm|libpthread

report-only: $(LAPTOP_O)/kdelay-report
$(LAPTOP_O)/%.o: %.c
	$(call msg,LAPTOP-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LAPTOP_CFLAGS) -MMD -MP -c $< -o $@
$(LAPTOP_O)/kdelay-report: $(patsubst %.c,$(LAPTOP_O)/%.o,$(LAPTOP_SRCS))
	$(call msg,LAPTOP,$@)
	$(Q)$(CC) $(LAPTOP_CFLAGS) -Wl,--as-needed $^ $(LAPTOP_LIBS) -o $@
	$(Q)extra=$$(ldd $@ | awk '{ print $$1 }' | sed 's/\.so.*//; s|.*/||' | \
		grep -Evx 'libzstd|libcbor|$(LAPTOP_SYSTEM_LIBS)'); \
	if [ -n "$$extra" ]; then \
		echo "the report links more than libzstd and libcbor:" $$extra >&2; rm -f $@; exit 1; \
	fi

# ------------------------------------------------------------------ tests
check: all report-only $(UNIT_BINS) $(SAN_UNIT_BINS)
	$(Q)O=$(O) tests/run.sh $(UNIT_BINS) $(SAN_UNIT_BINS) $(E2E_TESTS)

check-unit: $(UNIT_BINS) $(SAN_UNIT_BINS)
	$(Q)O=$(O) tests/run.sh $(UNIT_BINS) $(SAN_UNIT_BINS)

# --------------------------------------------------------------- install
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(wildcard docs/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf $(O)

.PHONY: all check check-unit clean install report-only bench fuzz

-include $(shell find $(O) -name '*.d' 2>/dev/null)
