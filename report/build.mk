# report/: kdelay-report.  REPORT_SRCS go into libkdreport.a (unit tests
# link it); REPORT_MAIN holds main().
REPORT_SRCS := report/report.c report/stats.c report/hashidx.c report/threads.c \
	report/symbols.c report/walltime.c report/filter.c report/view.c \
	report/text.c report/json.c report/json_out.c report/info.c
REPORT_MAIN := report/main.c

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
