# format/: the capture-file library (libkdformat.a).  Owned by format/.
# Portable C11 + libzstd + libcbor only: no libbpf, no <linux/...>.
FORMAT_SRCS := \
	format/alloc.c \
	format/buf.c \
	format/crc32c.c \
	format/chunk.c \
	format/events_codec.c \
	format/intern.c \
	format/tables_codec.c \
	format/cbor_util.c \
	format/meta_cbor.c \
	format/records_cbor.c \
	format/source.c \
	format/writer.c \
	format/reader_chunks.c \
	format/reader_warn.c \
	format/reader_budget.c \
	format/reader_checks.c \
	format/reader_prefetch.c \
	format/reader.c \
	format/errors.c

# ------------------------------------------------------------ benchmark
# make bench-format: bytes/event and events/s of the event encoding
# (bench/format_bench.c).  A measurement, never a test.
FORMAT_BENCH := $(O)/bench/format_bench

$(FORMAT_BENCH): $(O)/bench/format_bench.o $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(FORMAT_LIBS) -o $@

# bench/build.mk runs it as part of `make bench` when it exists.
bench-format: $(FORMAT_BENCH)
	$(Q)$(FORMAT_BENCH)

# ---------------------------------------------------------------- fuzz
# make fuzz: libFuzzer on the reader for FUZZ_SECONDS, starting from the
# seed corpus in tests/fuzz/corpus (copied, so the repo's stays small).
# Crashes land in $(O)/fuzz/artifacts/; each one found becomes a unit test
# (tests/unit/test_format_corruption.c) and a file in tests/fuzz/crashers/.
FUZZ_O := $(O)/fuzz
# Any input of up to max_len bytes must be read within these: the reader's
# budget (format/reader_budget.c) keeps a capture under 1 MB under 64 MiB,
# and the sanitizers' own memory is added on top (ASAN_OPTIONS below keeps
# their quarantine small, so what counts is the reader's).
FUZZ_RSS_MB ?= 128
FUZZ_MALLOC_MB ?= 64
FUZZ_ASAN_OPTIONS := ASAN_OPTIONS=quarantine_size_mb=8:malloc_context_size=5
FUZZ_BIN := $(FUZZ_O)/fuzz_reader
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) -D_GNU_SOURCE -Iformat -Itests/unit/helpers \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION

$(FUZZ_BIN): tests/fuzz/fuzz_reader.c $(FORMAT_SRCS) $(wildcard format/*.h)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) tests/fuzz/fuzz_reader.c $(FORMAT_SRCS) $(FORMAT_LIBS) -o $@

fuzz: $(FUZZ_BIN)
	$(Q)mkdir -p $(FUZZ_O)/corpus $(FUZZ_O)/artifacts
	$(Q)cp -n tests/fuzz/corpus/* $(FUZZ_O)/corpus/ 2>/dev/null || true
	$(Q)$(FUZZ_ASAN_OPTIONS) $(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -rss_limit_mb=$(FUZZ_RSS_MB) -malloc_limit_mb=$(FUZZ_MALLOC_MB) \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_O)/artifacts/ \
		$(FUZZ_O)/corpus

# Regenerate the seed corpus from the unit-test capture builder.
FUZZ_GEN := $(O)/fuzz/gen_corpus
$(FUZZ_GEN): $(O)/tests/fuzz/gen_corpus.o $(call objs,$(wildcard tests/unit/helpers/*.c)) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(FORMAT_LIBS) -o $@
$(O)/tests/fuzz/gen_corpus.o: ALL_CFLAGS += -Itests/unit/helpers

fuzz-corpus: $(FUZZ_GEN)
	$(Q)$(FUZZ_GEN) tests/fuzz/corpus

# Crafted captures that declare far more than they hold, written by
# tests/e2e/72-report-hardening.sh into its temporary folder.
HOSTILE_GEN := $(O)/tests/gen_hostile
$(HOSTILE_GEN): $(O)/tests/fuzz/gen_hostile.o $(call objs,$(wildcard tests/unit/helpers/*.c)) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(FORMAT_LIBS) -o $@
$(O)/tests/fuzz/gen_hostile.o: ALL_CFLAGS += -Itests/unit/helpers
all: $(HOSTILE_GEN)

.PHONY: bench-format fuzz-corpus
