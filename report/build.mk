# report/: kdelay-report.  REPORT_SRCS go into libkdreport.a (unit tests
# link it); REPORT_MAIN holds main() and its -i/-o handling.
REPORT_SRCS := report/report.c report/reorder.c report/stats.c report/stats_store.c report/hashidx.c report/threads.c \
	report/symbols.c report/walltime.c report/filter.c report/view.c \
	report/text.c report/json.c report/json_out.c report/info.c \
	report/stats_dist.c report/budget.c report/text_dist.c report/capture_end.c \
	report/losses.c
REPORT_MAIN := report/main.c report/input_file.c report/output_file.c

# tests/build.mk (included before the Makefile defines these) names them in
# prerequisites, which make expands at once: define them here first so that
# the test_report_* tests link with the library.  Same values as the Makefile.
objs = $(patsubst %.c,$(O)/%.o,$(1))
san_objs = $(patsubst %.c,$(O)/san/%.o,$(1))
REPORT_LIB := $(O)/libkdreport.a
SAN_REPORT_LIB := $(O)/san/libkdreport.a

# tests/golden/mkgolden: writes the synthetic golden captures; run only by
# tests/golden/regen.sh (regenerating the golden files is a deliberate act).
$(O)/tests/golden/mkgolden: $(O)/tests/golden/mkgolden.o $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(FORMAT_LIBS) -o $@

# make fuzz-report: libFuzzer over the whole report path, seeded with the
# golden captures.  Crashes land in $(O)/fuzz-report/artifacts/.
FUZZ_REPORT_BIN := $(O)/fuzz-report/fuzz_report
$(FUZZ_REPORT_BIN): tests/fuzz/fuzz_report.c $(REPORT_SRCS) $(FORMAT_SRCS) $(wildcard report/*.h format/*.h)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)clang -std=gnu11 -g -O1 $(WARN) -D_GNU_SOURCE -Iformat -Ireport \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
		tests/fuzz/fuzz_report.c $(REPORT_SRCS) $(FORMAT_SRCS) $(REPORT_LIBS) -o $@

fuzz-report: $(FUZZ_REPORT_BIN)
	$(Q)mkdir -p $(O)/fuzz-report/corpus $(O)/fuzz-report/artifacts
	$(Q)cp -n tests/golden/*.kdd $(O)/fuzz-report/corpus/ 2>/dev/null || true
	$(Q)$(FUZZ_ASAN_OPTIONS) $(FUZZ_REPORT_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -rss_limit_mb=$(FUZZ_RSS_MB) -malloc_limit_mb=$(FUZZ_MALLOC_MB) \
		-print_final_stats=1 -artifact_prefix=$(O)/fuzz-report/artifacts/ \
		$(O)/fuzz-report/corpus

.PHONY: fuzz-report
