// SPDX-License-Identifier: BSD-2-Clause
/*
 * output.c - create the capture file without following links, rotate an
 * old one, stream to standard output, or keep kdelay's capture nameless.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "kdelay_format.h"
#include "options.h"
#include "output.h"
#include "status.h"

/* What an existing path may be for us to replace it, or why not. */
static const char *unusable(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? NULL : strerror(errno);
	if (S_ISLNK(st.st_mode))
		return "it is a symbolic link, which the recorder does not write through; remove it "
		       "or give -o another name";
	if (!S_ISREG(st.st_mode))
		return "it exists and is not a regular file; give -o another name";
	return NULL;
}

static const char *writer_error(int err)
{
	return err == KDF_E_IO ? strerror(errno) : kdf_strerror(err);
}

/* The header is written: FILE -> FILE.old, then the capture -> FILE. */
static int put_in_place(const char *path, const char *tmp, FILE *err)
{
	char old[PATH_MAX + 8];
	const char *why;
	struct stat st;

	/* Checked again: FILE may have changed since the first look. */
	if ((why = unusable(path))) {
		status__error(err, "Cannot create '%s': %s", path, why);
		return EX_CANTCREAT;
	}
	if (!lstat(path, &st)) {
		snprintf(old, sizeof(old), "%s.old", path);
		/* rename() moves the name, whatever it points to. */
		if (rename(path, old)) {
			status__error(err, "Cannot rename '%s' to '%s': %s", path, old,
				      strerror(errno));
			return EX_CANTCREAT;
		}
	}
	if (rename(tmp, path)) {
		status__error(err, "Cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		return EX_CANTCREAT;
	}
	return 0;
}

static int open_file(const char *path, const struct kdf_meta *meta, struct kdf_writer **w,
		     FILE *err)
{
	char tmp[PATH_MAX];
	const char *why;
	int fd, e, rc;

	if ((why = unusable(path))) {
		status__error(err, "Cannot create '%s': %s", path, why);
		return EX_CANTCREAT;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.partial-XXXXXX", path) >= sizeof(tmp)) {
		status__error(err, "Cannot create '%s': %s", path, strerror(ENAMETOOLONG));
		return EX_CANTCREAT;
	}
	/* O_CREAT|O_EXCL, mode 0600: a new file, never a link's target. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		status__error(err, "Cannot create '%s': %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	*w = kdf_writer_fdopen(fd, meta, 0, &e);
	if (!*w) {
		status__error(err, "Cannot create '%s': %s", path, writer_error(e));
		unlink(tmp);
		return EX_CANTCREAT;
	}
	rc = put_in_place(path, tmp, err);
	if (rc) {
		kdf_writer_abort(*w);
		*w = NULL;
		unlink(tmp);
	}
	return rc;
}

int output__open(const char *path, int fd, const struct kdf_meta *meta, struct kdf_writer **w,
		 FILE *err)
{
	const char *name = strcmp(path, KD_OUTPUT_STDOUT) ? "the temporary capture" :
							    "standard output";
	int e;

	*w = NULL;
	if (fd < 0 && strcmp(path, KD_OUTPUT_STDOUT))
		return open_file(path, meta, w, err);
	/* The writer closes what it is given: give it its own descriptor. */
	fd = fcntl(fd >= 0 ? fd : STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		status__error(err, "Cannot write the capture to %s: %s", name, strerror(errno));
		return EX_CANTCREAT;
	}
	*w = kdf_writer_fdopen(fd, meta, 0, &e);
	if (!*w) {
		status__error(err, "Cannot write the capture to %s: %s", name, writer_error(e));
		return EX_CANTCREAT;
	}
	return 0;
}

int output__anonymous(const char *dir)
{
	char tmp[PATH_MAX];
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	/* A filesystem without O_TMPFILE: a name for a few microseconds. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/kdelay.XXXXXX", dir) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmp);
	return fd;
}
