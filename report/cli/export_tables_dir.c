// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_tables_dir.c - the folder of --export tables -o DIR, replaced only
 * when the export is whole, as output_file.c does for one file.
 *
 * The tables are written into a fresh folder ".DIR.XXXXXX" beside DIR
 * (mkdtemp: created by us, mode 0700 while written, so nothing in it can
 * be a link someone planted), then renamed to DIR.  DIR itself:
 *
 *   absent, or an empty folder   replaced by the rename
 *   a folder of tables only      (the names of kdr_tables_is_table(): an
 *                                earlier export) moved aside, replaced,
 *                                then its tables removed
 *   anything else                refused: a link (never followed), a file,
 *                                a folder holding other files (an export
 *                                never deletes what it did not write)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "export_tables.h"

#define PROG "kdelay-report"

/* The temporary folder to remove when a signal ends the run half way
 * (unlinkat and rmdir are async-signal-safe). */
static volatile sig_atomic_t have_pending;
static int pending_fd = -1;
static char pending_path[4096];

static void remove_pending_and_die(int sig)
{
	if (have_pending) {
		for (int i = 0; i < KDR_T_N; i++)
			unlinkat(pending_fd, kdr_table_defs[i].file, 0);
		rmdir(pending_path);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard(const struct kdr_tables_dir *d)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	if (strlen(d->tmp) >= sizeof(pending_path))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove_pending_and_die;
	sigemptyset(&sa.sa_mask);
	strcpy(pending_path, d->tmp);
	pending_fd = d->fd;
	have_pending = 1;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int kdr_tables_is_table(const char *name)
{
	for (int i = 0; i < KDR_T_N; i++)
		if (!strcmp(name, kdr_table_defs[i].file))
			return 1;
	return 0;
}

/* 0 when path may be replaced: absent, or a folder (not a link) holding
 * nothing but tables; else one line on err and EX_CANTCREAT. */
static int check_replaceable(const char *path, FILE *err)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int fd, rc = 0;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		fprintf(err, PROG ": -o '%s': %s\n", path, strerror(errno));
		return EX_CANTCREAT;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(err, PROG ": -o '%s' %s; the tables go into a folder: name a new one\n", path,
			S_ISLNK(st.st_mode) ? "is a symbolic link" : "is not a folder");
		return EX_CANTCREAT;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		fprintf(err, PROG ": -o '%s': %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EX_CANTCREAT;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!kdr_tables_is_table(de->d_name) ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode)) {
			fprintf(err, PROG ": -o '%s' holds '%s', which an export does not write; "
				"refusing to replace it (name a new or empty folder)\n", path, de->d_name);
			rc = EX_CANTCREAT;
			break;
		}
	}
	closedir(dir);
	return rc;
}

/* "PARENT/.BASE.XXXXXX" for mkdtemp(); NULL when out of memory. */
static char *hidden_beside(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t len = strlen(path) + 16;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%.*s.%s.XXXXXX", (int)dir_len, path, path + dir_len);
	return s;
}

int kdr_tables_dir_open(struct kdr_tables_dir *d, const char *path, FILE *err)
{
	size_t len = strlen(path);
	int rc;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->path = path;
	if (!len || path[len - 1] == '/') {
		fprintf(err, PROG ": -o '%s': name the folder without a trailing '/'\n", path);
		return EX_USAGE;
	}
	rc = check_replaceable(path, err);
	if (rc)
		return rc;
	d->tmp = hidden_beside(path);
	if (!d->tmp) {
		fprintf(err, PROG ": out of memory\n");
		return EX_OSERR;
	}
	if (!mkdtemp(d->tmp)) {
		fprintf(err, PROG ": cannot create a temporary folder beside '%s': %s\n", path,
			strerror(errno));
		free(d->tmp);
		d->tmp = NULL;
		return EX_CANTCREAT;
	}
	d->fd = open(d->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d->fd < 0) {
		fprintf(err, PROG ": cannot open '%s': %s\n", d->tmp, strerror(errno));
		kdr_tables_dir_discard(d);
		return EX_CANTCREAT;
	}
	guard(d);
	return 0;
}

FILE *kdr_tables_dir_file(struct kdr_tables_dir *d, const char *name, FILE *err)
{
	int fd = openat(d->fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w+");

	if (!f) {
		fprintf(err, PROG ": cannot create '%s/%s': %s\n", d->tmp, name, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

/* Remove the tables of folder fd, then the folder at path. */
static void remove_tables(int fd, const char *path)
{
	for (int i = 0; i < KDR_T_N; i++)
		unlinkat(fd, kdr_table_defs[i].file, 0);
	rmdir(path);
}

int kdr_tables_dir_commit(struct kdr_tables_dir *d, FILE *err)
{
	mode_t mask = umask(0);
	char *old = NULL;
	int rc, old_fd;

	umask(mask);
	/* The folder's mode as mkdir would have made it. */
	if (fsync(d->fd) || fchmod(d->fd, 0777 & ~mask)) {
		fprintf(err, PROG ": writing '%s': %s\n", d->tmp, strerror(errno));
		kdr_tables_dir_discard(d);
		return EX_IOERR;
	}
	/* The folder is about to become DIR: a signal must not remove it
	 * any more (it would leave the temporary folder in the short while
	 * before the renames). */
	have_pending = 0;
	if (!rename(d->tmp, d->path))
		goto done;
	if (errno != ENOTEMPTY && errno != EEXIST)
		goto failed;
	/* An earlier export is there: checked again now (it may have changed
	 * meanwhile), moved aside, replaced, and only then removed. */
	rc = check_replaceable(d->path, err);
	if (rc) {
		kdr_tables_dir_discard(d);
		return rc;
	}
	old = hidden_beside(d->path);
	if (!old) {
		fprintf(err, PROG ": out of memory\n");
		kdr_tables_dir_discard(d);
		return EX_OSERR;
	}
	/* A unique name: an empty folder made by mkdtemp, which rename()
	 * replaces. */
	if (!mkdtemp(old) || rename(d->path, old))
		goto failed;
	if (rename(d->tmp, d->path)) {
		int e = errno;

		rename(old, d->path);
		errno = e;
		goto failed;
	}
	old_fd = open(old, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (old_fd >= 0) {
		remove_tables(old_fd, old);
		close(old_fd);
	}
	free(old);
done:
	close(d->fd);
	free(d->tmp);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	return 0;
failed:
	fprintf(err, PROG ": cannot put the tables in place at '%s': %s\n", d->path,
		strerror(errno));
	if (old) {
		rmdir(old);
		free(old);
	}
	kdr_tables_dir_discard(d);
	return EX_CANTCREAT;
}

void kdr_tables_dir_discard(struct kdr_tables_dir *d)
{
	have_pending = 0;
	if (d->fd >= 0) {
		remove_tables(d->fd, d->tmp);
		close(d->fd);
	} else if (d->tmp) {
		rmdir(d->tmp);
	}
	free(d->tmp);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
}
