# samples/: workloads with known behaviour, built with -O0 -fno-omit-frame-pointer
# so that uprobes and user stacks are predictable.  common.c is what the
# three share; kdelay-sample is a folder, one file per mode.
SAMPLE_BINS := $(O)/kdelay-sample $(O)/kdelay-wake $(O)/kdelay-steal
SAMPLE_CFLAGS := -std=gnu11 -O0 -g -fno-omit-frame-pointer $(WARN) -D_GNU_SOURCE
SAMPLE_COMMON_OBJ := $(O)/samples/common.o
KDELAY_SAMPLE_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard samples/kdelay-sample/*.c))

# The shorter stem makes this rule win over the top-level $(O)/%.o one.
$(O)/samples/%.o: samples/%.c
	$(call msg,SAMPLE,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAMPLE_CFLAGS) -MMD -MP -c $< -o $@

$(O)/kdelay-sample: $(KDELAY_SAMPLE_OBJS) $(SAMPLE_COMMON_OBJ)
	$(call msg,LINK,$@)
	$(Q)$(CC) $^ -lpthread -o $@

$(O)/kdelay-wake $(O)/kdelay-steal: $(O)/%: $(O)/samples/%.o $(SAMPLE_COMMON_OBJ)
	$(call msg,LINK,$@)
	$(Q)$(CC) $^ -lpthread -o $@

samples: $(SAMPLE_BINS)
.PHONY: samples
