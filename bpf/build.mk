# BPF side: bpf/kdelay.bpf.c (with the bpf/*.bpf.h it includes) -> $(O)/kdelay.bpf.o -> $(O)/kdelay.skel.h.
# vmlinux.h is generated from the build machine's BTF (CO-RE makes the
# object portable); BTF_FILE overrides where it comes from.
BTF_FILE ?= /sys/kernel/btf/vmlinux
BPF_SRCS := bpf/kdelay.bpf.c
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(O) -Ibpf -I/usr/include/$(MULTIARCH)

$(O)/vmlinux.h:
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)test -r $(BTF_FILE) || { echo "no kernel BTF at $(BTF_FILE): kdelay-record needs CONFIG_DEBUG_INFO_BTF" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(BTF_FILE) format c > $@

$(O)/%.bpf.o: bpf/%.bpf.c bpf/kdelay_events.h $(wildcard bpf/*.bpf.h) $(O)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/%.skel.h: $(O)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

