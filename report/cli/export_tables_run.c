// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_tables_run.c - kdr_export_tables() (export_tables.h): the
 * captures named on the command line, and the captures of the folders
 * named there, read into one set of tables.
 *
 * Reading a capture is one CPU's work (decoding, pairing, distributions),
 * so a fleet's captures are split between workers, one per CPU it may use:
 * worker k reads the k-th contiguous block of the list, one capture after
 * the other.  Worker 0 is this process and writes the tables themselves;
 * the others are forked and write their rows to files of the temporary
 * folder that are unlinked as soon as created (nothing is left behind
 * however a worker ends), which are appended to the tables in block
 * order once every worker succeeded: the rows come in the order of the
 * list whatever the number of workers.  Memory is that of one capture
 * per worker, whatever their number.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "export_tables.h"
#include "report.h"
#include "input_file.h"

#define PROG "kdelay-report"
#define MAX_WORKERS 64

/* The captures to read: paths as given or folder/name (malloc'ed). */
struct capture_list {
	char **v;
	size_t n, cap;
};

/* 0, KDR_EXIT_INCOMPLETE, or an EX_* code (said). */
static int one_capture(struct kdr_tables *t, const char *path, const struct kdr_options *o)
{
	struct kdr_options ro = *o;
	struct kdr_input in;
	int rc, irc;

	rc = kdr_input_open(&in, path, t->err);
	if (rc)
		return rc;
	t->file = path;
	ro.format = KDR_FMT_TABLES;
	ro.tables = t;
	ro.sections = KDR_SEC_ALL;
	ro.histograms = 1; /* the percentiles */
	ro.budget = 1;
	rc = kdr_report_file(in.path, &ro, t->f[KDR_T_CAPTURES], t->err);
	if ((rc == 0 || rc == KDR_EXIT_INCOMPLETE) && t->f[KDR_T_INTERVALS]) {
		irc = kdr_tables_intervals(t, in.path, o);
		if (irc != 0 && irc != KDR_EXIT_INCOMPLETE)
			rc = irc;
	}
	kdr_input_close(&in);
	return rc;
}

/* Read captures [from, to) of the list; 0, KDR_EXIT_INCOMPLETE (one was
 * incomplete) or the first EX_* code (said). */
static int read_block(struct kdr_tables *t, const struct capture_list *l, size_t from, size_t to,
		      const struct kdr_options *o)
{
	int rc = 0, worst = 0;

	for (size_t i = from; i < to && !rc; i++) {
		rc = one_capture(t, l->v[i], o);
		if (rc == KDR_EXIT_INCOMPLETE) {
			worst = rc;
			rc = 0;
		}
	}
	free(t->id);
	t->id = NULL;
	return rc ? rc : worst;
}

/* Append path (with name after a '/' when not NULL) to the list. */
static int list_add(struct capture_list *l, const char *path, const char *name)
{
	size_t len = strlen(path) + (name ? strlen(name) + 1 : 0) + 1;
	char *s;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	s = malloc(len);
	if (!s)
		return -1;
	snprintf(s, len, name ? "%s/%s" : "%s", path, name);
	l->v[l->n++] = s;
	return 0;
}

static void list_free(struct capture_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of folder dir not starting with '.', in name order
 * (links are not followed: a capture is a file of the folder). */
static int add_folder(struct capture_list *l, const char *dir, FILE *err)
{
	size_t first = l->n;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(err, PROG ": cannot open '%s': %s\n", dir, strerror(errno));
		return EX_NOINPUT;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (list_add(l, dir, de->d_name)) {
			closedir(d);
			fprintf(err, PROG ": out of memory\n");
			return EX_OSERR;
		}
	}
	closedir(d);
	if (l->n == first) {
		fprintf(err, PROG ": '%s' holds no capture (no regular file)\n", dir);
		return EX_NOINPUT;
	}
	qsort(l->v + first, l->n - first, sizeof(*l->v), cmp_path);
	return 0;
}

static int is_folder(const char *path)
{
	struct stat st;

	return strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int build_list(struct capture_list *l, const char *const *inputs, size_t ninputs, FILE *err)
{
	for (size_t i = 0; i < ninputs; i++) {
		if (is_folder(inputs[i])) {
			int rc = add_folder(l, inputs[i], err);

			if (rc)
				return rc;
		} else if (list_add(l, inputs[i], NULL)) {
			fprintf(err, PROG ": out of memory\n");
			return EX_OSERR;
		}
	}
	return 0;
}

/* The tables (worker 0), with their header lines. */
static int open_tables(struct kdr_tables *t, struct kdr_tables_dir *d, int with_intervals)
{
	for (int i = 0; i < KDR_T_N; i++) {
		if (i == KDR_T_INTERVALS && !with_intervals)
			continue;
		t->f[i] = kdr_tables_dir_file(d, kdr_table_defs[i].file, t->err);
		if (!t->f[i])
			return EX_CANTCREAT;
		fprintf(t->f[i], "%s\n", kdr_table_defs[i].header);
	}
	return 0;
}

/* The files of worker k's rows: in the temporary folder, unlinked. */
static int open_parts(struct kdr_tables *p, struct kdr_tables_dir *d, const struct kdr_tables *t,
		      int k)
{
	char name[64];

	for (int i = 0; i < KDR_T_N; i++) {
		if (!t->f[i])
			continue;
		snprintf(name, sizeof(name), ".part%d.%s", k, kdr_table_defs[i].file);
		p->f[i] = kdr_tables_dir_file(d, name, t->err);
		if (!p->f[i])
			return EX_CANTCREAT;
		unlinkat(d->fd, name, 0);
	}
	return 0;
}

static void close_files(struct kdr_tables *t)
{
	for (int i = 0; i < KDR_T_N; i++) {
		if (t->f[i])
			fclose(t->f[i]);
		t->f[i] = NULL;
	}
}

/* Append worker part p to the tables t; EX_IOERR (said) on failure. */
static int append_part(struct kdr_tables *t, struct kdr_tables *p)
{
	char buf[65536];
	size_t n;

	for (int i = 0; i < KDR_T_N; i++) {
		if (!p->f[i])
			continue;
		rewind(p->f[i]);
		while ((n = fread(buf, 1, sizeof(buf), p->f[i])) > 0)
			if (fwrite(buf, 1, n, t->f[i]) != n)
				break;
		if (ferror(p->f[i]) || ferror(t->f[i])) {
			fprintf(t->err, PROG ": copying the rows of a worker: %s\n", strerror(errno));
			return EX_IOERR;
		}
	}
	return 0;
}

/* Flush and close every table; EX_IOERR (said) when one could not be
 * written. */
static int close_tables(struct kdr_tables *t, const char *dir)
{
	int rc = 0;

	for (int i = 0; i < KDR_T_N; i++) {
		FILE *f = t->f[i];
		int bad;

		if (!f)
			continue;
		t->f[i] = NULL;
		errno = 0;
		bad = fflush(f) || ferror(f) || fsync(fileno(f));
		if (fclose(f))
			bad = 1;
		if (bad && !rc) {
			fprintf(t->err, PROG ": writing '%s/%s': %s\n", dir, kdr_table_defs[i].file,
				errno ? strerror(errno) : "I/O error");
			rc = EX_IOERR;
		}
	}
	return rc;
}

/* Flush every file of t; non-zero when writing one failed. */
static int flush_files(struct kdr_tables *t)
{
	int bad = 0;

	for (int i = 0; i < KDR_T_N; i++)
		if (t->f[i] && (fflush(t->f[i]) || ferror(t->f[i])))
			bad = 1;
	return bad;
}

/* The worse of two results: a failure over an incomplete capture. */
static int worse(int a, int b)
{
	if (a != 0 && a != KDR_EXIT_INCOMPLETE)
		return a;
	if (b != 0 && b != KDR_EXIT_INCOMPLETE)
		return b;
	return a > b ? a : b;
}

/* The CPUs this process may run on (taskset, cgroups' cpusets). */
static size_t usable_cpus(void)
{
#ifdef CPU_COUNT
	cpu_set_t set;

	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) > 0)
		return (size_t)CPU_COUNT(&set);
#endif
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus > 0 ? (size_t)cpus : 1;
}

static size_t workers_for(size_t ncaptures)
{
	size_t n = usable_cpus();

	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	return n < ncaptures ? n : (ncaptures ? ncaptures : 1);
}

/* Read the list into t with workers; the result of the worst block. */
static int read_all(struct kdr_tables *t, struct kdr_tables_dir *d, const struct capture_list *l,
		    const struct kdr_options *o)
{
	static struct kdr_tables parts[MAX_WORKERS];
	pid_t pids[MAX_WORKERS];
	size_t nw = workers_for(l->n), started = 1;
	int rc = 0, status;

	memset(parts, 0, sizeof(parts));
	/* Nothing buffered may be written twice by a child. */
	if (flush_files(t)) {
		fprintf(t->err, PROG ": writing the tables: %s\n", strerror(errno));
		return EX_IOERR;
	}
	fflush(t->err);
	for (size_t k = 1; k < nw && !rc; k++) {
		parts[k].err = t->err;
		rc = open_parts(&parts[k], d, t, (int)k);
		if (rc)
			break;
		pids[k] = fork();
		if (pids[k] < 0) {
			fprintf(t->err, PROG ": cannot start a worker: %s\n", strerror(errno));
			rc = EX_OSERR;
			break;
		}
		if (pids[k] == 0) {
			int wrc = read_block(&parts[k], l, k * l->n / nw, (k + 1) * l->n / nw, o);

			if (flush_files(&parts[k]) && (wrc == 0 || wrc == KDR_EXIT_INCOMPLETE)) {
				fprintf(t->err, PROG ": writing the rows of a worker: %s\n",
					strerror(errno));
				wrc = EX_IOERR;
			}
			fflush(t->err);
			_exit(wrc);
		}
		started++;
	}
	if (!rc)
		rc = read_block(t, l, 0, l->n / nw, o);
	for (size_t k = 1; k < started; k++) {
		int wrc = EX_SOFTWARE;

		while (waitpid(pids[k], &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status))
			wrc = WEXITSTATUS(status);
		else
			fprintf(t->err, PROG ": a worker was killed by signal %d\n", WTERMSIG(status));
		rc = worse(rc, wrc);
	}
	for (size_t k = 1; k < started && (rc == 0 || rc == KDR_EXIT_INCOMPLETE); k++)
		rc = worse(rc, append_part(t, &parts[k]));
	for (size_t k = 1; k < nw; k++)
		close_files(&parts[k]);
	return rc;
}

int kdr_export_tables(const char *const *inputs, size_t ninputs, const char *dir, int intervals,
		      const struct kdr_options *o, FILE *err)
{
	struct kdr_tables t = { .err = err };
	struct capture_list l = { 0 };
	struct kdr_tables_dir d;
	int rc, crc;

	/* The inputs first: a missing or refused input must cost no output. */
	rc = build_list(&l, inputs, ninputs, err);
	if (rc) {
		list_free(&l);
		return rc;
	}
	rc = kdr_tables_dir_open(&d, dir, err);
	if (rc) {
		list_free(&l);
		return rc;
	}
	rc = open_tables(&t, &d, intervals);
	if (!rc)
		rc = read_all(&t, &d, &l, o);
	list_free(&l);
	if (rc != 0 && rc != KDR_EXIT_INCOMPLETE) {
		close_files(&t);
		kdr_tables_dir_discard(&d);
		return rc;
	}
	crc = close_tables(&t, dir);
	if (crc) {
		kdr_tables_dir_discard(&d);
		return crc;
	}
	crc = kdr_tables_dir_commit(&d, err);
	return crc ? crc : rc;
}
