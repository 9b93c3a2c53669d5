// SPDX-License-Identifier: BSD-2-Clause
/*
 * usyms.c - symbolize user addresses of the target process.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "elfsyms.h"
#include "usyms.h"

#define MAPS_RELOAD_NS 50000000ull /* at most 20 re-reads of maps a second */

struct umap {
	uint64_t start, end, off;
	uint64_t dev, ino;
	char *path;   /* NULL for anonymous; "[vdso]" etc. kept as is */
	int file;     /* index in files[], -1 = not an ELF file we could read */
};

struct ufile {
	uint64_t dev, ino;
	char *path;		/* as in maps */
	const char *base;	/* basename, into path */
	struct elfsyms *elf;	/* NULL if unreadable */
};

struct usyms {
	pid_t pid;
	char *exe;		/* override, or NULL */
	struct umap *maps;
	size_t nmaps;
	struct ufile *files;
	size_t nfiles;
	uint64_t reload_ns;	/* last re-read of maps after a miss */
	int loaded;
};

static void maps_clear(struct usyms *u)
{
	size_t i;

	for (i = 0; i < u->nmaps; i++)
		free(u->maps[i].path);
	free(u->maps);
	u->maps = NULL;
	u->nmaps = 0;
}

/* The file of a mapping, opened once per (dev, inode) for the whole run. */
static int file_index(struct usyms *u, const struct umap *m)
{
	char via[128];
	struct ufile *f;
	size_t i;

	for (i = 0; i < u->nfiles; i++)
		if (u->files[i].dev == m->dev && u->files[i].ino == m->ino &&
		    !strcmp(u->files[i].path, m->path))
			return (int)i;
	f = realloc(u->files, (u->nfiles + 1) * sizeof(*f));
	if (!f)
		return -1;
	u->files = f;
	f = &u->files[u->nfiles];
	memset(f, 0, sizeof(*f));
	f->dev = m->dev;
	f->ino = m->ino;
	f->path = strdup(m->path);
	if (!f->path)
		return -1;
	f->base = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	snprintf(via, sizeof(via), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, u->pid, m->start,
		 m->end);
	f->elf = elfsyms__open(via);
	if (!f->elf)
		f->elf = elfsyms__open(f->path);
	return (int)u->nfiles++;
}

static int maps_load(struct usyms *u)
{
	char path[64], line[4096 + 128];
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/maps", u->pid);
	fp = fopen(path, "re");
	if (!fp)
		return -errno; /* gone: keep the last snapshot */
	maps_clear(u);
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long start, end, off, ino;
		unsigned int major, minor;
		char perms[8], *name = NULL;
		struct umap *m;
		int pos = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off,
			   &major, &minor, &ino, &pos) < 7)
			continue;
		if (perms[2] != 'x') /* stacks only hold code addresses */
			continue;
		name = line + pos;
		name[strcspn(name, "\n")] = '\0';
		m = realloc(u->maps, (u->nmaps + 1) * sizeof(*m));
		if (!m)
			break;
		u->maps = m;
		m = &u->maps[u->nmaps++];
		m->start = start;
		m->end = end;
		m->off = off;
		m->dev = ((uint64_t)major << 32) | minor;
		m->ino = ino;
		m->path = *name ? strdup(name) : NULL;
		m->file = (m->path && m->path[0] == '/') ? -2 : -1; /* -2: not opened yet */
	}
	fclose(fp);
	u->loaded = 1;
	return 0;
}

struct usyms *usyms__new(pid_t pid, const char *exe)
{
	struct usyms *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->pid = pid;
	if (exe && !(u->exe = strdup(exe))) {
		free(u);
		return NULL;
	}
	return u;
}

void usyms__free(struct usyms *u)
{
	size_t i;

	if (!u)
		return;
	maps_clear(u);
	for (i = 0; i < u->nfiles; i++) {
		free(u->files[i].path);
		elfsyms__free(u->files[i].elf);
	}
	free(u->files);
	free(u->exe);
	free(u);
}

void usyms__new_batch(struct usyms *u)
{
	u->reload_ns = 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct umap *find_map(struct usyms *u, uint64_t addr)
{
	size_t i;

	for (i = 0; i < u->nmaps; i++)
		if (addr >= u->maps[i].start && addr < u->maps[i].end)
			return &u->maps[i];
	return NULL;
}

/* The mapping of addr, re-reading maps once per batch on a miss, and its
 * file opened now, while the target (and /proc/PID/map_files) exists. */
static struct umap *prepare(struct usyms *u, uint64_t addr)
{
	struct umap *m;

	if (!u->loaded)
		maps_load(u);
	m = find_map(u, addr);
	/* A miss may be a library loaded since: re-read, but not for every
	 * unknown address of a burst (garbage frames are common). */
	if (!m && mono_ns() - u->reload_ns >= MAPS_RELOAD_NS) {
		u->reload_ns = mono_ns();
		maps_load(u);
		m = find_map(u, addr);
	}
	if (m && m->file == -2)
		m->file = file_index(u, m);
	return m;
}

void usyms__prepare(struct usyms *u, uint64_t addr)
{
	prepare(u, addr);
}

int usyms__resolve(struct usyms *u, uint64_t addr, struct kdf_symbol *sym)
{
	struct umap *m;
	struct ufile *f;
	uint64_t vaddr, start;
	const char *name;

	memset(sym, 0, sizeof(*sym));
	sym->addr = addr;
	m = prepare(u, addr);
	if (!m)
		return -1;
	if (!m->path) {
		sym->module = "[anon]";
		return 0;
	}
	if (m->file < 0) {
		sym->module = m->path; /* [vdso], [heap], ... */
		return 0;
	}
	f = &u->files[m->file];
	sym->module = f->base;
	sym->path = f->path;
	sym->file_offset = addr - m->start + m->off;
	if (!f->elf)
		return 0;
	sym->build_id = elfsyms__build_id(f->elf, &sym->build_id_len);
	if (elfsyms__file_to_vaddr(f->elf, sym->file_offset, &vaddr))
		return 0;
	if (!elfsyms__lookup(f->elf, vaddr, &name, &start)) {
		sym->name = name;
		sym->offset = (uint32_t)(vaddr - start);
	}
	return 0;
}

/* The path libbpf should open for a mapped file: the file itself when it
 * is the same inode in our mount namespace, else through /proc/PID/root. */
static void attach_path(struct usyms *u, const struct ufile *f, char *path, size_t len)
{
	struct stat st;

	if (!stat(f->path, &st) && st.st_ino == f->ino)
		snprintf(path, len, "%s", f->path);
	else
		snprintf(path, len, "/proc/%d/root%s", u->pid, f->path);
}

static bool lib_matches(const char *base, const char *lib)
{
	size_t n = strlen(lib);

	/* "libc" matches "libc.so.6" and "libc-2.36.so", not "libcrypto.so". */
	return !strncmp(base, lib, n) && (base[n] == '\0' || base[n] == '.' || base[n] == '-');
}

int usyms__find_func(struct usyms *u, const char *lib, const char *func, char *path, size_t len)
{
	bool lib_seen = false;
	size_t i;

	if (!lib || !*lib) {
		struct elfsyms *e;
		char exe[64];
		const char *p = u->exe;

		if (!p) {
			snprintf(exe, sizeof(exe), "/proc/%d/exe", u->pid);
			p = exe;
		}
		e = elfsyms__open(p);
		if (e && elfsyms__has_func(e, func)) {
			elfsyms__free(e);
			snprintf(path, len, "%s", p);
			return 0;
		}
		elfsyms__free(e);
	}
	if (maps_load(u))
		return -ENOENT;
	for (i = 0; i < u->nmaps; i++) {
		struct umap *m = &u->maps[i];
		struct ufile *f;

		if (m->file == -2)
			m->file = file_index(u, m);
		if (m->file < 0)
			continue;
		f = &u->files[m->file];
		if (lib && *lib && !lib_matches(f->base, lib))
			continue;
		lib_seen = true;
		if (f->elf && elfsyms__has_func(f->elf, func)) {
			attach_path(u, f, path, len);
			return 0;
		}
	}
	return lib && *lib && !lib_seen ? -ESRCH : -ENOENT;
}

void usyms__for_each_file(struct usyms *u, void (*fn)(void *ctx, const char *path), void *ctx)
{
	char exe[64];
	size_t i, j;

	snprintf(exe, sizeof(exe), "/proc/%d/exe", u->pid);
	fn(ctx, u->exe ? u->exe : exe);
	if (!u->loaded && maps_load(u))
		return;
	for (i = 0; i < u->nmaps; i++) {
		const char *p = u->maps[i].path;

		if (!p || p[0] != '/')
			continue;
		for (j = 0; j < i; j++)
			if (u->maps[j].path && !strcmp(u->maps[j].path, p))
				break;
		if (j == i)
			fn(ctx, p);
	}
}
