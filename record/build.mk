# record/: kdelay-record and kdelay.  RECORD_SRCS go into libkdrecord.a;
# RECORD_MAIN and KDELAY_MAIN hold the two main()s.
RECORD_SRCS := record/options.c record/trigger.c record/syscalls.c \
	record/target.c record/threads.c record/census.c record/meta.c record/ksyms.c \
	record/elfsyms.c record/usyms.c record/symbols.c record/attach.c record/stagetick.c \
	record/window.c record/kfeatures.c record/flight.c record/flight_run.c record/merge.c record/consumer.c record/output.c record/status.c record/session.c record/recorder.c
RECORD_MAIN := record/main.c
KDELAY_MAIN := record/kdelay_main.c

# The syscall number -> name table of the traced ABI, generated from the
# build machine's kernel headers (no libaudit).  An array initializer:
# record/syscalls.c includes it.
UNISTD_H ?= /usr/include/$(MULTIARCH)/asm/unistd_64.h
$(O)/kdelay_syscalls.h: $(UNISTD_H) record/build.mk
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)awk '$$1 == "#define" && $$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ \
		{ sub(/^__NR_/, "", $$2); printf "\t[%s] = \"%s\",\n", $$3, $$2 }' $< > $@.tmp
	$(Q)test -s $@.tmp || { echo "no syscalls found in $<" >&2; rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@
$(O)/record/syscalls.o $(O)/san/record/syscalls.o: $(O)/kdelay_syscalls.h
