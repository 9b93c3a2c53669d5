# static/: `make static` builds kdelay-record and kdelay as statically
# linked executables, to copy onto a node that has none of libbpf,
# libelf, libzstd, libcbor (a kernel with BTF is all they need).  The
# objects are the normal build's; Debian's libbpf.a, libelf.a, libzstd.a
# and libz.a are linked in, and a libcbor.a built from source by
# static/libcbor.sh (Debian has none).
STATIC_O := $(O)/static
LIBCBOR_STATIC := $(STATIC_O)/libcbor/lib/libcbor.a
STATIC_LDFLAGS := -static -L$(STATIC_O)/libcbor/lib
STATIC_BINS := $(STATIC_O)/kdelay-record $(STATIC_O)/kdelay

$(LIBCBOR_STATIC): static/libcbor.sh
	$(call msg,LIBCBOR,$@)
	$(Q)rm -f $@
	$(Q)static/libcbor.sh $(STATIC_O)/libcbor

$(STATIC_O)/kdelay-record: $(call objs,$(RECORD_MAIN)) $(RECORD_LIB) $(FORMAT_LIB) $(LIBCBOR_STATIC)
	$(call msg,STATIC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(STATIC_LDFLAGS) $(filter-out $(LIBCBOR_STATIC),$^) $(RECORD_LIBS) -o $@

$(STATIC_O)/kdelay: $(call objs,$(KDELAY_MAIN)) $(RECORD_LIB) $(REPORT_LIB) $(FORMAT_LIB) $(LIBCBOR_STATIC)
	$(call msg,STATIC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(STATIC_LDFLAGS) $(filter-out $(LIBCBOR_STATIC),$^) $(RECORD_LIBS) -lm -o $@

static: $(STATIC_BINS)
	$(Q)for b in $(STATIC_BINS); do file $$b | grep -q 'statically linked' || \
		{ echo "$$b is not statically linked" >&2; rm -f $$b; exit 1; }; done
.PHONY: static
