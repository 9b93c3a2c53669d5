// SPDX-License-Identifier: BSD-2-Clause
/* input_file.c - see input_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "input_file.h"

#define PROG "kdelay-report"

/* An unlinked temporary file: it never outlives the process. */
static int spool_create(const char *dir)
{
#ifdef O_TMPFILE
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
#endif
	size_t len = strlen(dir) + sizeof("/kdelay-report.XXXXXX");
	char *name = malloc(len);
	int tfd;

	if (!name) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(name, len, "%s/kdelay-report.XXXXXX", dir);
	tfd = mkstemp(name);
	if (tfd >= 0)
		unlink(name);
	free(name);
	return tfd;
}

/* Copy all of fd (a pipe) into a temporary file that becomes stdin. */
static int spool(struct kdr_input *in, int fd, const char *what, FILE *err)
{
	const char *dir = getenv("TMPDIR");
	char buf[65536];
	uint64_t total = 0;
	int tfd;

	if (!dir || !*dir)
		dir = "/tmp";
	tfd = spool_create(dir);
	if (tfd < 0) {
		fprintf(err, PROG ": cannot create a temporary file in %s to hold %s: %s\n", dir,
			what, strerror(errno));
		return EX_CANTCREAT;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf)), done = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(err, PROG ": reading %s: %s\n", what, strerror(errno));
			close(tfd);
			return EX_IOERR;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		while (done < n) {
			ssize_t w = write(tfd, buf + done, (size_t)(n - done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				fprintf(err, PROG ": copying %s to %s: %s\n", what, dir,
					strerror(errno));
				close(tfd);
				return EX_IOERR;
			}
			done += w;
		}
	}
	if (!total && in->fd >= 0) {
		/* Opened without blocking: no writer yet means nothing to read. */
		fprintf(err, PROG ": cannot read '%s': a FIFO that nobody wrote to\n", what);
		close(tfd);
		return EX_NOINPUT;
	}
	if (dup2(tfd, STDIN_FILENO) < 0) {
		fprintf(err, PROG ": %s: %s\n", what, strerror(errno));
		close(tfd);
		return EX_OSERR;
	}
	close(tfd);
	in->path = "-";
	in->dev = 0;
	in->ino = 0;
	return 0;
}

int kdr_input_open(struct kdr_input *in, const char *path, FILE *err)
{
	int is_stdin = !strcmp(path, "-");
	const char *what = is_stdin ? "standard input" : path;
	struct stat st;
	int fd = STDIN_FILENO;

	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->path = path;
	if (!is_stdin) {
		/* O_NONBLOCK: opening a FIFO with no writer must not hang. */
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			fprintf(err, PROG ": cannot open '%s': %s\n", path, strerror(errno));
			return EX_NOINPUT;
		}
		in->fd = fd;
	}
	if (fstat(fd, &st)) {
		fprintf(err, PROG ": %s: %s\n", what, strerror(errno));
		kdr_input_close(in);
		return EX_NOINPUT;
	}
	if (S_ISREG(st.st_mode)) {
		in->dev = st.st_dev;
		in->ino = st.st_ino;
		return 0;
	}
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
		int rc, flags = fcntl(fd, F_GETFL);

		if (flags >= 0)
			fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
		rc = spool(in, fd, what, err);
		if (rc)
			kdr_input_close(in);
		return rc;
	}
	fprintf(err, PROG ": cannot read %s: not a regular file, pipe or FIFO\n", what);
	kdr_input_close(in);
	return EX_NOINPUT;
}

void kdr_input_close(struct kdr_input *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}
