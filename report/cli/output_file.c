// SPDX-License-Identifier: BSD-2-Clause
/* output_file.c - see output_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "output_file.h"

#define PROG "kdelay-report"
#define TMP_TRIES 100

/* The temporary file to remove when a signal ends the run half way. */
static volatile sig_atomic_t have_pending_tmp;
static char pending_tmp[4096];

static void remove_tmp_and_die(int sig)
{
	if (have_pending_tmp)
		unlink(pending_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard_tmp(const char *tmp)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	if (strlen(tmp) >= sizeof(pending_tmp))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove_tmp_and_die;
	sigemptyset(&sa.sa_mask);
	strcpy(pending_tmp, tmp);
	have_pending_tmp = 1;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void unguard_tmp(void)
{
	have_pending_tmp = 0;
}

/* "DIR/.NAME.XXXXXXXX.tmp" with a fresh suffix each call; NULL on ENOMEM. */
static char *tmp_name(const char *path)
{
	static unsigned int counter;
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t len = strlen(path) + 32;
	struct timespec ts;
	char *s = malloc(len);

	if (!s)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(s, len, "%.*s.%s.%08x.tmp", (int)dir_len, path, path + dir_len,
		 (unsigned int)(ts.tv_nsec ^ ((unsigned int)getpid() << 12) ^ (++counter * 0x9e3779b9u)));
	return s;
}

/* The temporary file, exclusively created (never a link, never someone
 * else's file), with the mode a new file would get from the umask. */
static int create_tmp(struct kdr_output *o, FILE *err)
{
	mode_t mask = umask(0);
	int fd = -1;

	umask(mask);
	for (int i = 0; i < TMP_TRIES && fd < 0; i++) {
		free(o->tmp);
		o->tmp = tmp_name(o->path);
		if (!o->tmp) {
			fprintf(err, PROG ": out of memory\n");
			return EX_OSERR;
		}
		fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		fprintf(err, PROG ": cannot create a temporary file next to '%s': %s\n", o->path,
			strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return EX_CANTCREAT;
	}
	guard_tmp(o->tmp);
	if (fchmod(fd, 0666 & ~mask) || !(o->f = fdopen(fd, "w"))) {
		fprintf(err, PROG ": cannot create '%s': %s\n", o->tmp, strerror(errno));
		close(fd);
		kdr_output_discard(o);
		return EX_CANTCREAT;
	}
	return 0;
}

/* An existing device or FIFO is opened as it is: nothing to replace. */
static int open_in_place(struct kdr_output *o, FILE *err)
{
	int fd = open(o->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		fprintf(err, PROG ": cannot open '%s': %s\n", o->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EX_CANTCREAT;
	}
	return 0;
}

int kdr_output_open(struct kdr_output *o, const char *path, dev_t input_dev, ino_t input_ino,
		    FILE *err)
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	o->path = strdup(path);
	if (!o->path) {
		fprintf(err, PROG ": out of memory\n");
		return EX_OSERR;
	}
	/* stat() follows links: a link to the input is the input. */
	if ((input_dev || input_ino) && !stat(path, &st) && st.st_dev == input_dev &&
	    st.st_ino == input_ino) {
		fprintf(err, PROG ": -o '%s' is the input capture; refusing to overwrite it\n", path);
		kdr_output_discard(o);
		return EX_USAGE;
	}
	if (!lstat(path, &st)) {
		const char *why = S_ISLNK(st.st_mode) ? "is a symbolic link"
				  : S_ISDIR(st.st_mode) ? "is a directory" : NULL;

		if (why) {
			fprintf(err, PROG ": -o '%s' %s; refusing to write there\n", path, why);
			kdr_output_discard(o);
			return EX_CANTCREAT;
		}
		if (!S_ISREG(st.st_mode)) {
			int rc = open_in_place(o, err);

			if (rc)
				kdr_output_discard(o);
			return rc;
		}
	}
	return create_tmp(o, err);
}

int kdr_output_commit(struct kdr_output *o, FILE *err)
{
	FILE *f = o->f;
	int failed;

	o->f = NULL;
	errno = 0;
	failed = fflush(f) != 0 || ferror(f);
	/* Synced before the rename, so a crash leaves the old or the new
	 * file, never an empty one. */
	if (!failed && o->tmp && fsync(fileno(f)) && errno != EINVAL)
		failed = 1;
	if (fclose(f) && !failed)
		failed = 1;
	if (!failed && o->tmp && rename(o->tmp, o->path))
		failed = 1;
	if (failed) {
		fprintf(err, PROG ": writing '%s': %s\n", o->path, errno ? strerror(errno) : "I/O error");
		kdr_output_discard(o);
		return EX_IOERR;
	}
	unguard_tmp();
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	return 0;
}

void kdr_output_discard(struct kdr_output *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp) {
		unlink(o->tmp);
		unguard_tmp();
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}
