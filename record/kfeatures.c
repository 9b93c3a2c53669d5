// SPDX-License-Identifier: BSD-2-Clause
/*
 * kfeatures.c - the kernel features kdelay's BPF programs need, probed
 * before loading them (see kfeatures.h).
 */
#include <errno.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kfeatures.h"

/*
 * Whether the kernel whose BTF is at path knows BPF program type name:
 * its enum bpf_prog_type lists it.  (libbpf's program-type probe cannot
 * tell for tracing programs, which only load with a BTF attach target.)
 */
static int btf_knows_prog_type(const char *path, const char *name)
{
	struct btf *btf = btf__parse(path, NULL);
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, i, found = 0;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, "bpf_prog_type", BTF_KIND_ENUM);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	if (!t) {
		btf__free(btf);
		return -1;
	}
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t) && !found; i++)
		found = !strcmp(btf__name_by_offset(btf, e[i].name_off), name);
	btf__free(btf);
	return found;
}

void kfeatures__probe(struct kd_kfeatures *f, const char *btf_path)
{
	f->btf = access(btf_path, R_OK) == 0 ? 1 : (errno == ENOENT ? 0 : -1);
	f->ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
	/* A kernel with the ring buffer (5.8) has tracing programs (5.5):
	 * then the BTF, a 5 MB read and parse that libbpf's load pays
	 * anyway, is not read for them.  Without it, the BTF tells which
	 * of the two is missing. */
	if (f->btf == 1 && f->ringbuf == 1)
		f->tracing = 1;
	else
		f->tracing = f->btf == 1 ? btf_knows_prog_type(btf_path, "BPF_PROG_TYPE_TRACING") : -1;
}

int kfeatures__verdict(const struct kd_kfeatures *f, FILE *err)
{
	static const char *const what[] = {
		"BTF (/sys/kernel/btf/vmlinux: CONFIG_DEBUG_INFO_BTF, Linux 5.4 or later)",
		"BPF tp_btf programs (Linux 5.5 or later)",
		"the BPF ring buffer (Linux 5.8 or later)",
	};
	const int have[] = { f->btf, f->tracing, f->ringbuf };
	char line[512] = "";
	size_t i, len = 0;
	int missing = 0;

	for (i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		if (have[i] != 0)
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", missing++ ? ", " : "",
					what[i]);
	}
	if (!missing)
		return 0;
	fprintf(err, "ERROR: this kernel lacks %s; kdelay needs a kernel that has %s\n", line,
		missing == 1 ? "it" : "them");
	return EX_UNAVAILABLE;
}
