// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_tables_run.c - kdr_export_tables() (export_tables.h): the
 * captures named on the command line, and the captures of the folders
 * named there, read one after the other into one set of tables.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "export_tables.h"
#include "input_file.h"

#define PROG "kdelay-report"

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

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of folder dir not starting with '.', in name order
 * (links are not followed: a capture is a file of the folder).  Only
 * their names are kept while the captures are read one by one. */
static int one_folder(struct kdr_tables *t, const char *dir, const struct kdr_options *o)
{
	char **names = NULL, *path = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0, worst = 0;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(t->err, PROG ": cannot open '%s': %s\n", dir, strerror(errno));
		return EX_NOINPUT;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			char **g = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (!g)
				goto oom;
			names = g;
		}
		if (!(names[n] = strdup(de->d_name)))
			goto oom;
		n++;
	}
	closedir(d);
	d = NULL;
	if (!n) {
		fprintf(t->err, PROG ": '%s' holds no capture (no regular file)\n", dir);
		rc = EX_NOINPUT;
	}
	qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n && !rc; i++) {
		size_t len = strlen(dir) + strlen(names[i]) + 2;

		free(path);
		path = malloc(len);
		if (!path)
			goto oom;
		snprintf(path, len, "%s/%s", dir, names[i]);
		rc = one_capture(t, path, o);
		if (rc == KDR_EXIT_INCOMPLETE) {
			worst = rc;
			rc = 0;
		}
	}
	goto out;
oom:
	fprintf(t->err, PROG ": out of memory\n");
	rc = EX_OSERR;
out:
	if (d)
		closedir(d);
	free(path);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc ? rc : worst;
}

static int is_folder(const char *path)
{
	struct stat st;

	return strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode);
}

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

/* Close every table; EX_IOERR (said) when one could not be written. */
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

int kdr_export_tables(const char *const *inputs, size_t ninputs, const char *dir, int intervals,
		      const struct kdr_options *o, FILE *err)
{
	struct kdr_tables t = { .err = err };
	struct kdr_tables_dir d;
	int rc, worst = 0;

	rc = kdr_tables_dir_open(&d, dir, err);
	if (rc)
		return rc;
	rc = open_tables(&t, &d, intervals);
	for (size_t i = 0; i < ninputs && !rc; i++) {
		rc = is_folder(inputs[i]) ? one_folder(&t, inputs[i], o)
					  : one_capture(&t, inputs[i], o);
		if (rc == KDR_EXIT_INCOMPLETE) {
			worst = rc;
			rc = 0;
		}
	}
	free(t.id);
	if (rc) {
		for (int i = 0; i < KDR_T_N; i++)
			if (t.f[i])
				fclose(t.f[i]);
		kdr_tables_dir_discard(&d);
		return rc;
	}
	rc = close_tables(&t, dir);
	if (rc) {
		kdr_tables_dir_discard(&d);
		return rc;
	}
	rc = kdr_tables_dir_commit(&d, err);
	return rc ? rc : worst;
}
