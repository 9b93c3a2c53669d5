// SPDX-License-Identifier: BSD-2-Clause
/*
 * calls.c - the syscalls kdelay-sample counts, and the functions whose
 * entry and return are uprobe markers.
 */
#include "sample.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sdt.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

const char *const csys_names[N_CSYS] = {
	[S_GETPPID] = "getppid", [S_GETUID] = "getuid",
	[S_SCHED_YIELD] = "sched_yield", [S_NANOSLEEP] = "nanosleep",
	[S_WRITE] = "write", [S_READ] = "read",
};

static int null_fd = -1; /* S_WRITE writes one byte to /dev/null */
static int zero_fd = -1; /* S_READ reads one byte of /dev/zero: never blocks */

/* Before any thread counts: the files the counted calls use. */
void calls_open(void)
{
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0 || zero_fd < 0)
		die(EX_OSERR, "open /dev/null or /dev/zero: %s", strerror(errno));
}

static void one_call(enum csys s)
{
	char c = 'x';

	switch (s) {
	case S_GETPPID:
		syscall(SYS_getppid);
		break;
	case S_GETUID:
		syscall(SYS_getuid);
		break;
	case S_SCHED_YIELD:
		syscall(SYS_sched_yield);
		break;
	case S_NANOSLEEP: {
		struct timespec ts = { 0, 1000 };
		syscall(SYS_nanosleep, &ts, NULL);
		break;
	}
	case S_WRITE:
		if (syscall(SYS_write, null_fd, &c, 1) != 1)
			die(EX_OSERR, "write /dev/null: %s", strerror(errno));
		break;
	case S_READ:
		if (syscall(SYS_read, zero_fd, &c, 1) != 1)
			die(EX_OSERR, "read /dev/zero: %s", strerror(errno));
		break;
	}
}

/*
 * The uprobe/uretprobe marker: its entry and return enclose exactly n calls
 * of syscall s and nothing else that enters the kernel.  Not static, not
 * inlined, kept even if unused, so `up:sample_window` and
 * `ur:sample_window` resolve in the executable's symbol table.
 */
__attribute__((noinline, used)) long sample_window(long n, int s)
{
	long i;

	for (i = 0; i < n; i++)
		one_call((enum csys)s);
	return i;
}

/* Another uprobe target, hit once per main-loop iteration (ovs-like). */
__attribute__((noinline, used)) void bridge_run(int iteration)
{
	DTRACE_PROBE1(kdelay_sample, bridge_run, iteration);
}
