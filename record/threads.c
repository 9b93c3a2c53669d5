// SPDX-License-Identifier: BSD-2-Clause
/*
 * threads.c - thread names of the target into the capture.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdelay_format.h"
#include "target.h"
#include "threads.h"

int threads__write(struct kdf_writer *w, uint32_t tid, const char *name, size_t len, uint64_t ts)
{
	struct kdf_thread t = {
		.ts = ts,
		.tid = tid,
		.name_len = (uint32_t)len,
		.name = name,
	};

	return kdf_writer_thread(w, &t);
}

int threads__scan(struct kdf_writer *w, pid_t pid, uint64_t ts)
{
	struct dirent *de;
	char path[64], comm[64];
	int n = 0, err;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long tid = strtol(de->d_name, &end, 10);

		if (*end || tid <= 0)
			continue;
		/* A thread that exits meanwhile is simply not named here. */
		if (target__read_comm(pid, (pid_t)tid, comm, sizeof(comm)))
			continue;
		err = threads__write(w, (uint32_t)tid, comm, strlen(comm), ts);
		if (err) {
			closedir(d);
			return err;
		}
		n++;
	}
	closedir(d);
	return n;
}
