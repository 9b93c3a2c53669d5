# report/: kdelay-report.  REPORT_SRCS go into libkdreport.a (unit tests
# link it); REPORT_MAIN holds main() and its -i/-o handling.
#
# The folders follow the pipeline: engine/ reads nothing but the capture's
# items and makes the statistics (pairing, losses, threads, symbols,
# filters, budget, histograms); sinks/ write them (text, JSON, --info);
# export/ holds the visual exports, diff/ `kdelay-report diff`; report.c
# drives a report over engine/ and sinks/ (report.h is the library's API);
# cli/ is kdelay-report's command line.
REPORT_SRCS := report/report.c report/engine/reorder.c report/engine/pairing.c report/engine/stats.c report/engine/stats_store.c report/engine/stats_events.c \
	report/engine/hashidx.c report/engine/threads.c report/engine/symbols.c \
	report/engine/walltime.c report/engine/filter.c report/engine/view.c \
	report/sinks/text.c report/sinks/utf8.c report/sinks/json.c report/sinks/json_out.c report/sinks/info.c \
	report/engine/stats_dist.c report/engine/budget.c report/sinks/text_dist.c \
	report/sinks/text_format.c report/engine/capture_end.c report/engine/losses.c \
	report/engine/hist.c report/engine/grow.c \
	report/engine/wakers.c report/engine/culprits.c report/engine/census.c \
	report/sinks/wakers_out.c report/sinks/culprits_out.c report/sinks/census_out.c report/sinks/shown.c
REPORT_MAIN := report/cli/main.c report/cli/input_file.c report/cli/output_file.c

# tests/build.mk (included before the Makefile defines these) names them in
# prerequisites, which make expands at once: define them here first so that
# the test_report_* tests link with the library.  Same values as the Makefile.
objs = $(patsubst %.c,$(O)/%.o,$(1))
san_objs = $(patsubst %.c,$(O)/san/%.o,$(1))
REPORT_LIB := $(O)/libkdreport.a
SAN_REPORT_LIB := $(O)/san/libkdreport.a

# make fuzz-report: libFuzzer over the whole report path, seeded with the
# golden captures.  Crashes land in $(O)/fuzz-report/artifacts/.
FUZZ_REPORT_BIN := $(O)/fuzz-report/fuzz_report
$(FUZZ_REPORT_BIN): tests/fuzz/fuzz_report.c $(REPORT_SRCS) $(FORMAT_SRCS) $(wildcard report/*.h report/*/*.h format/*.h)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)clang -std=gnu11 -g -O1 $(WARN) -D_GNU_SOURCE -Iformat $(REPORT_INC) \
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
