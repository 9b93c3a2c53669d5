# Unit tests: tests/unit/test_<module>_<what>.c, cmocka, one binary each.
# The module prefix decides what a test links:
#   test_format_*  libkdformat
#   test_report_*  libkdreport + libkdformat
#   test_record_*  libkdrecord + libkdformat + libbpf (no BPF is loaded)
# Every unit test is also built with ASan/UBSan under $(O)/san/.
# E2E_TESTS are scripts under tests/e2e/ that speak TAP (see tests/lib.sh).

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
SAN_UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/san/tests/%,$(UNIT_SRCS))
UNIT_HELPERS := $(wildcard tests/unit/helpers/*.c)
E2E_TESTS := $(sort $(wildcard tests/e2e/*.sh))

$(O)/tests/test_format_%: $(O)/tests/unit/test_format_%.o $(call objs,$(UNIT_HELPERS)) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(FORMAT_LIBS) -lcmocka -o $@
$(O)/tests/test_report_%: $(O)/tests/unit/test_report_%.o $(call objs,$(UNIT_HELPERS)) $(REPORT_LIB) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(REPORT_LIBS) -lcmocka -o $@
$(O)/tests/test_record_%: $(O)/tests/unit/test_record_%.o $(call objs,$(UNIT_HELPERS)) $(RECORD_LIB) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(RECORD_LIBS) -lcmocka -o $@

$(O)/san/tests/test_format_%: $(O)/san/tests/unit/test_format_%.o $(call san_objs,$(UNIT_HELPERS)) $(SAN_FORMAT_LIB)
	$(call msg,LINK-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAN_CFLAGS) $^ $(FORMAT_LIBS) -lcmocka -o $@
$(O)/san/tests/test_report_%: $(O)/san/tests/unit/test_report_%.o $(call san_objs,$(UNIT_HELPERS)) $(SAN_REPORT_LIB) $(SAN_FORMAT_LIB)
	$(call msg,LINK-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAN_CFLAGS) $^ $(REPORT_LIBS) -lcmocka -o $@
$(O)/san/tests/test_record_%: $(O)/san/tests/unit/test_record_%.o $(call san_objs,$(UNIT_HELPERS) $(RECORD_SRCS)) $(SAN_FORMAT_LIB)
	$(call msg,LINK-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAN_CFLAGS) $^ $(RECORD_LIBS) -lcmocka -o $@
$(call san_objs,$(RECORD_SRCS)): $(O)/kdelay.skel.h

# tests/golden/mkgolden: writes the synthetic golden captures; run only by
# tests/golden/regen.sh (regenerating the golden files is a deliberate act).
$(O)/tests/golden/mkgolden: $(O)/tests/golden/mkgolden.o $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(FORMAT_LIBS) -o $@

# tests/e2e/77-report-memory.sh measures the report on a capture written by
# bench/gen_capture.
check: $(O)/bench/gen_capture

# tests/tools: small readers of captures through the format library, the
# end-to-end tests' independent view of what a capture holds.
TEST_TOOLS := $(patsubst tests/tools/%.c,$(O)/tests/tools/%,$(wildcard tests/tools/*.c))
$(O)/tests/tools/%: tests/tools/%.c $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Iformat $^ $(FORMAT_LIBS) -o $@
check: $(TEST_TOOLS)
