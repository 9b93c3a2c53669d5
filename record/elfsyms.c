// SPDX-License-Identifier: BSD-2-Clause
/*
 * elfsyms.c - function symbols, segments, build-id and USDT notes of an
 * ELF file.  Everything is copied out of libelf so that the file can be
 * closed at once (the target's binaries may be replaced meanwhile).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsyms.h"

struct esym {
	uint64_t addr, size;
	uint32_t name; /* offset in pool */
};

struct eseg {
	uint64_t off, vaddr, filesz;
};

struct elfsyms {
	struct esym *syms;
	size_t n;
	struct eseg segs[16];
	size_t nsegs;
	uint8_t build_id[64];
	uint32_t build_id_len;
	char *pool;
	size_t pool_len, pool_cap;
};

static int cmp_esym(const void *a, const void *b)
{
	const struct esym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Same address: the sized one (a real function) first. */
	return (y->size > 0) - (x->size > 0);
}

static Elf *elf_open_fd(const char *path, int *fd)
{
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = EINVAL;
		return NULL;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return NULL;
	elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(*fd);
		errno = ENOEXEC;
		return NULL;
	}
	return elf;
}

/* Append the functions of one symbol table section. */
static int load_symtab(struct elfsyms *e, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, count, need = 0;
	struct esym *ns;
	char *np;

	if (!data || !sh->sh_entsize)
		return 0;
	count = sh->sh_size / sh->sh_entsize;
	ns = realloc(e->syms, (e->n + count + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	e->syms = ns;
	for (i = 0; i < count; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		if ((GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
		     GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC) ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		need = strlen(name) + 1;
		if (e->pool_len + need > e->pool_cap) {
			size_t cap = e->pool_cap ? 2 * e->pool_cap : 65536;

			while (cap < e->pool_len + need)
				cap *= 2;
			np = realloc(e->pool, cap);
			if (!np)
				return -ENOMEM;
			e->pool = np;
			e->pool_cap = cap;
		}
		memcpy(e->pool + e->pool_len, name, need);
		e->syms[e->n].addr = sym.st_value;
		e->syms[e->n].size = sym.st_size;
		e->syms[e->n].name = (uint32_t)e->pool_len;
		e->pool_len += need;
		e->n++;
	}
	return 0;
}

static void load_build_id(struct elfsyms *e, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((char *)data->d_buf + name_off, "GNU", 4) &&
		    nh.n_descsz <= sizeof(e->build_id)) {
			memcpy(e->build_id, (char *)data->d_buf + desc_off, nh.n_descsz);
			e->build_id_len = nh.n_descsz;
			return;
		}
	}
}

struct elfsyms *elfsyms__open(const char *path)
{
	Elf_Scn *scn = NULL, *dynsym = NULL;
	GElf_Shdr sh, dynsh;
	struct elfsyms *e;
	bool have_symtab = false;
	size_t i, nph;
	int fd, err = 0;
	Elf *elf;

	elf = elf_open_fd(path, &fd);
	if (!elf)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e) {
		err = ENOMEM;
		goto out;
	}
	if (!elf_getphdrnum(elf, &nph)) {
		for (i = 0; i < nph && e->nsegs < 16; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			e->segs[e->nsegs].off = ph.p_offset;
			e->segs[e->nsegs].vaddr = ph.p_vaddr;
			e->segs[e->nsegs].filesz = ph.p_filesz;
			e->nsegs++;
		}
	}
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			have_symtab = true;
			if (load_symtab(e, elf, scn, &sh)) {
				err = ENOMEM;
				goto out;
			}
		} else if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsh = sh;
		} else if (sh.sh_type == SHT_NOTE && !e->build_id_len) {
			load_build_id(e, scn);
		}
	}
	/* A stripped binary still has its exported functions. */
	if (!have_symtab && dynsym && load_symtab(e, elf, dynsym, &dynsh)) {
		err = ENOMEM;
		goto out;
	}
	qsort(e->syms, e->n, sizeof(*e->syms), cmp_esym);
out:
	elf_end(elf);
	close(fd);
	if (err) {
		elfsyms__free(e);
		errno = err;
		return NULL;
	}
	return e;
}

void elfsyms__free(struct elfsyms *e)
{
	if (!e)
		return;
	free(e->syms);
	free(e->pool);
	free(e);
}

int elfsyms__file_to_vaddr(const struct elfsyms *e, uint64_t off, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < e->nsegs; i++) {
		const struct eseg *s = &e->segs[i];

		if (off >= s->off && off < s->off + s->filesz) {
			*vaddr = off - s->off + s->vaddr;
			return 0;
		}
	}
	return -1;
}

int elfsyms__lookup(const struct elfsyms *e, uint64_t vaddr, const char **name, uint64_t *start)
{
	size_t lo = 0, hi = e->n;
	const struct esym *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Walk back over zero-sized aliases to a symbol that covers vaddr. */
	while (lo > 0) {
		s = &e->syms[lo - 1];
		if (!s->size || vaddr < s->addr + s->size) {
			/* zero size: accept only when nothing better is near */
			if (!s->size && vaddr - s->addr > 1 << 20)
				return -1;
			*name = e->pool + s->name;
			*start = s->addr;
			return 0;
		}
		/* vaddr lies past a sized symbol: it belongs to no function */
		return -1;
	}
	return -1;
}

bool elfsyms__has_func(const struct elfsyms *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->pool + e->syms[i].name, name))
			return true;
	return false;
}

const uint8_t *elfsyms__build_id(const struct elfsyms *e, uint32_t *len)
{
	*len = e->build_id_len;
	return e->build_id_len ? e->build_id : NULL;
}

int elfsyms__usdt_list(const char *path, elfsyms_usdt_fn fn, void *ctx)
{
	Elf_Scn *scn = NULL;
	int fd, n = 0;
	GElf_Shdr sh;
	Elf *elf;

	elf = elf_open_fd(path, &fd);
	if (!elf)
		return -errno;
	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const char *desc = (const char *)data->d_buf + desc_off;
			size_t addrs = 3 * (gelf_getclass(elf) == ELFCLASS32 ? 4 : 8);
			const char *prov, *probe;

			/* desc: pc, base, semaphore, then "provider\0name\0args\0" */
			if (nh.n_type != 3 || nh.n_namesz != 8 ||
			    memcmp((char *)data->d_buf + name_off, "stapsdt", 8) ||
			    nh.n_descsz <= addrs)
				continue;
			prov = desc + addrs;
			if (!memchr(prov, '\0', nh.n_descsz - addrs))
				continue;
			probe = prov + strlen(prov) + 1;
			if (probe >= desc + nh.n_descsz ||
			    !memchr(probe, '\0', (size_t)(desc + nh.n_descsz - probe)))
				continue;
			fn(ctx, prov, probe);
			n++;
		}
	}
	elf_end(elf);
	close(fd);
	return n;
}
