// SPDX-License-Identifier: BSD-2-Clause
/*
 * target.c - find or start the traced process.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "status.h"
#include "target.h"

int target__read_comm(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

/* The process a (possibly non-leader) thread id belongs to, or -1. */
static pid_t tgid_of(pid_t tid)
{
	char path[64], line[256];
	pid_t tgid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* A kernel thread (PF_KTHREAD in /proc/PID/stat's flags) makes no
 * syscalls of its own: tracing one records nothing. */
static bool is_kernel_thread(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned int flags = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* comm may hold ')' and spaces: the fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %u", &flags) != 1)
		return false;
	return flags & 0x00200000u; /* PF_KTHREAD */
}

static void target__init(struct kd_target *t)
{
	memset(t, 0, sizeof(*t));
	t->go_fd = t->exec_err_fd = t->pidfd = -1;
	t->exit_status = -1;
}

static void open_pidfd(struct kd_target *t)
{
#ifdef SYS_pidfd_open
	t->pidfd = (int)syscall(SYS_pidfd_open, t->pid, 0);
#else
	t->pidfd = -1;
#endif
}

static void fill_info(struct kd_target *t)
{
	char path[64];
	ssize_t n;

	if (target__read_comm(t->pid, 0, t->comm, sizeof(t->comm)))
		snprintf(t->comm, sizeof(t->comm), "<unknown>");
	snprintf(path, sizeof(path), "/proc/%d/exe", t->pid);
	n = readlink(path, t->exe, sizeof(t->exe) - 1);
	t->exe[n > 0 ? n : 0] = '\0';
	open_pidfd(t);
}

static bool comm_matches(const char *comm, const char *name, bool substring)
{
	if (substring)
		return strstr(comm, name) != NULL;
	/* comm is cut at 15 characters: a longer NAME matches by its start. */
	if (strlen(name) >= 15)
		return !strncmp(comm, name, 15);
	return !strcmp(comm, name);
}

/* Scan /proc for processes whose comm matches; exact or substring. */
static int scan_comm(const char *name, bool substring, pid_t *found, int max)
{
	struct dirent *de;
	char comm[64];
	int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == getpid())
			continue;
		if (target__read_comm((pid_t)pid, 0, comm, sizeof(comm)))
			continue;
		if (!comm_matches(comm, name, substring))
			continue;
		if (n < max)
			found[n] = (pid_t)pid;
		n++;
	}
	closedir(d);
	return n;
}

int target__find(struct kd_target *t, pid_t pid, const char *comm, FILE *err)
{
	pid_t found[8];
	int n;

	target__init(t);
	if (pid) {
		pid_t tgid = tgid_of(pid);

		if (tgid < 0) {
			status__error(err, "No process with PID %d is running!", pid);
			return EX_UNAVAILABLE;
		}
		if (tgid == getpid()) {
			/* Each drain would make syscalls that fill the ring again. */
			status__error(err, "The recorder cannot trace itself (PID %d)!", pid);
			return EX_UNAVAILABLE;
		}
		if (is_kernel_thread(tgid)) {
			status__error(err, "PID %d is a kernel thread: it makes no syscalls of its "
				      "own, there is nothing to record; give a user process", pid);
			return EX_UNAVAILABLE;
		}
		if (tgid != pid)
			fprintf(err, "NOTE: %d is a thread of process %d; tracing process %d.\n", pid,
				tgid, tgid);
		t->pid = tgid;
	} else if (comm) {
		n = scan_comm(comm, false, found, 8);
		if (n == 0) {
			status__error(err, "Failed to find a process named '%s'!", comm);
			return EX_UNAVAILABLE;
		}
		if (n > 1) {
			status__error(err, "Multiple processes named '%s' running, use the -p option!",
				      comm);
			return EX_NOINPUT;
		}
		t->pid = found[0];
	} else {
		/* The reference: psutil name() containing "ovs-vswitchd". */
		n = scan_comm("ovs-vswitchd", true, found, 8);
		if (n == 0) {
			status__error(err, "Failed to find ovs-vswitchd's PID!");
			return EX_UNAVAILABLE;
		}
		if (n > 1) {
			status__error(err, "Multiple ovs-vswitchd daemons running, use the -p option!");
			return EX_NOINPUT;
		}
		t->pid = found[0];
	}
	fill_info(t);
	return 0;
}

/* execvp()'s search, done up front so "no such command" is one clean line. */
static int resolve_command(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH");
	const char *p;

	if (strchr(cmd, '/')) {
		if (!realpath(cmd, out) || access(out, X_OK))
			return -1;
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p;) {
		const char *colon = strchr(p, ':');
		size_t dl = colon ? (size_t)(colon - p) : strlen(p);
		char cand[PATH_MAX];

		snprintf(cand, sizeof(cand), "%.*s/%s", (int)dl, dl ? p : ".", cmd);
		if (!access(cand, X_OK) && realpath(cand, out)) {
			struct stat st;

			if (!stat(out, &st) && S_ISREG(st.st_mode))
				return 0;
		}
		p += dl + (colon ? 1 : 0);
	}
	(void)len;
	return -1;
}

int target__spawn(struct kd_target *t, char **argv, FILE *err)
{
	int go[2] = { -1, -1 }, ex[2] = { -1, -1 };
	char byte;
	pid_t pid;

	target__init(t);
	if (resolve_command(argv[0], t->exe, sizeof(t->exe))) {
		status__error(err, "Cannot run '%s': command not found or not executable", argv[0]);
		return EX_NOINPUT;
	}
	if (pipe2(go, O_CLOEXEC) || pipe2(ex, O_CLOEXEC)) {
		status__error(err, "pipe: %s", strerror(errno));
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		status__error(err, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		int e;

		close(go[1]);
		close(ex[0]);
		/* Held here until the recorder is attached; EOF = abort. */
		if (read(go[0], &byte, 1) != 1)
			_exit(127);
		execv(t->exe, argv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ex[1]);
	t->pid = pid;
	t->spawned = true;
	t->go_fd = go[1];
	t->exec_err_fd = ex[0];
	snprintf(t->comm, sizeof(t->comm), "%s", strrchr(t->exe, '/') + 1);
	open_pidfd(t);
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (ex[i] >= 0)
			close(ex[i]);
	}
	return EX_OSERR;
}

int target__release(struct kd_target *t, FILE *err)
{
	char byte = 1;
	ssize_t n;
	int e;

	if (!t->spawned || t->go_fd < 0)
		return 0;
	if (write(t->go_fd, &byte, 1) != 1) {
		status__error(err, "cannot start the command: %s", strerror(errno));
		return -1;
	}
	close(t->go_fd);
	t->go_fd = -1;
	/* The pipe closes on a successful exec; execv's errno otherwise. */
	n = read(t->exec_err_fd, &e, sizeof(e));
	close(t->exec_err_fd);
	t->exec_err_fd = -1;
	if (n == (ssize_t)sizeof(e)) {
		status__error(err, "Cannot run '%s': %s", t->exe, strerror(e));
		return -1;
	}
	return 0;
}

bool target__exited(struct kd_target *t)
{
	int status;

	if (t->exit_status >= 0)
		return true;
	if (t->spawned) {
		pid_t r = waitpid(t->pid, &status, WNOHANG);

		if (r == t->pid) {
			t->exit_status = status;
			return true;
		}
		return r < 0 && errno == ECHILD;
	}
	if (t->pidfd >= 0) {
		/* Readable once the whole thread group has exited. */
		struct pollfd pfd = { .fd = t->pidfd, .events = POLLIN };

		return poll(&pfd, 1, 0) > 0;
	}
	return kill(t->pid, 0) && errno == ESRCH;
}

int target__exit_code(struct kd_target *t, bool wait)
{
	int status;

	if (!t->spawned || t->go_fd >= 0)
		return -1;
	if (t->exit_status < 0) {
		pid_t r;

		do
			r = waitpid(t->pid, &status, wait ? 0 : WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r != t->pid)
			return -1;
		t->exit_status = status;
	}
	if (WIFSIGNALED(t->exit_status))
		return 128 + WTERMSIG(t->exit_status);
	return WEXITSTATUS(t->exit_status);
}

void target__cleanup(struct kd_target *t)
{
	if (!t)
		return;
	if (t->spawned && t->go_fd >= 0) {
		/* Never released: closing the pipe makes it _exit(127). */
		close(t->go_fd);
		t->go_fd = -1;
		waitpid(t->pid, NULL, 0);
	}
	if (t->exec_err_fd >= 0)
		close(t->exec_err_fd);
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->exec_err_fd = t->pidfd = -1;
}
