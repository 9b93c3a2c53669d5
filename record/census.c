// SPDX-License-Identifier: BSD-2-Clause
/*
 * census.c - see census.h.  /proc/PID/task/TID/stat gives the state
 * letter (after the last ')': the name may hold any byte), and
 * /proc/PID/task/TID/syscall the syscall the thread is blocked in: a
 * number, "running", or -1 (not in a syscall).  Both are read with one
 * read() into a bounded buffer; nothing in them is trusted beyond it.
 * Since when a sleeping thread sleeps comes from the BPF side, which saw
 * it go to sleep if that was after the recorder attached.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "census.h"
#include "kdelay_events.h"
#include "kdelay_format.h"

/* The start of a small /proc file, NUL terminated; -errno on failure. */
static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* One thread; 1 when it was read, 0 when it is gone. */
static int census_thread(pid_t pid, long tid, struct kdf_event *ev)
{
	char path[64], buf[512], *p, *end;
	unsigned long nr;

	snprintf(path, sizeof(path), "/proc/%d/task/%ld/stat", pid, tid);
	if (read_small(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return 0;
	ev->u.census.state = (unsigned char)p[2];
	ev->u.census.nr = KDF_CENSUS_NO_SYSCALL;
	snprintf(path, sizeof(path), "/proc/%d/task/%ld/syscall", pid, tid);
	if (!read_small(path, buf, sizeof(buf)) && buf[0] >= '0' && buf[0] <= '9') {
		errno = 0;
		nr = strtoul(buf, &end, 10);
		if (!errno && nr < KDF_CENSUS_NO_SYSCALL && (*end == ' ' || *end == '\n'))
			ev->u.census.nr = (uint32_t)nr;
	}
	return 1;
}

/* Since when thread tid sleeps, if the BPF side saw it fall asleep (0 if
 * not); never after ts, the time the census stands for.  Its state is in
 * its slot when the slot's tag is its tid, else in the hash. */
static uint64_t asleep_since(struct census_since since, long tid, uint64_t ts)
{
	uint32_t key = (uint32_t)tid & (KD_THREAD_SLOTS - 1);
	struct kd_thread_sched st;

	if (since.slots_fd < 0 || bpf_map_lookup_elem(since.slots_fd, &key, &st) ||
	    st.tid != (uint32_t)tid) {
		key = (uint32_t)tid;
		if (since.hash_fd < 0 || bpf_map_lookup_elem(since.hash_fd, &key, &st))
			return 0;
	}
	return st.asleep_since > ts ? ts : st.asleep_since;
}

int census__take_to(int (*emit)(void *ctx, const struct kdf_event *ev), void *ctx, pid_t pid,
		    uint64_t ts, uint8_t flags, struct census_since since)
{
	struct dirent *de;
	char path[64];
	int err = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		struct kdf_event ev;
		char *end;
		long tid = strtol(de->d_name, &end, 10);

		if (*end || tid <= 0 || tid > INT32_MAX)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.ts = ts;
		ev.tid = (uint32_t)tid;
		ev.type = KDF_EV_CENSUS;
		ev.flags = flags;
		if (!census_thread(pid, tid, &ev))
			continue;
		if (ev.u.census.state != 'R')
			ev.u.census.since_ts = asleep_since(since, tid, ts);
		err = emit(ctx, &ev);
	}
	closedir(d);
	return err;
}

static int window_emit(void *ctx, const struct kdf_event *ev)
{
	return window__event(ctx, ev);
}

int census__take(struct kd_window *w, pid_t pid, uint64_t ts, uint8_t flags,
		 struct census_since since)
{
	return census__take_to(window_emit, w, pid, ts, flags, since);
}
