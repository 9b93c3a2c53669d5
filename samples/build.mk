# samples/: workloads with known behaviour, built with -O0 -fno-omit-frame-pointer
# so that uprobes and user stacks are predictable.
SAMPLE_BINS := $(O)/kdelay-sample $(O)/kdelay-wake $(O)/kdelay-steal
SAMPLE_CFLAGS := -std=gnu11 -O0 -g -fno-omit-frame-pointer $(WARN) -D_GNU_SOURCE

$(O)/kdelay-sample: samples/kdelay-sample.c
	$(call msg,SAMPLE,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAMPLE_CFLAGS) $< -lpthread -o $@

$(O)/kdelay-wake $(O)/kdelay-steal: $(O)/%: samples/%.c
	$(call msg,SAMPLE,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAMPLE_CFLAGS) $< -lpthread -o $@

samples: $(SAMPLE_BINS)
.PHONY: samples
