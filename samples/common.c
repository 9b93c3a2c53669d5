// SPDX-License-Identifier: BSD-2-Clause
/*
 * common.c - the helpers every sample workload uses (common.h).
 */
#include "common.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sysexits.h>

const char *sample_prog = "kdelay-sample";

void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", sample_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

void die_errno(int code, const char *what)
{
	die(code, "%s: %s", what, strerror(errno));
}

uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sleep_ms(long ms, atomic_int *stop)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR && !(stop && atomic_load(stop)))
		;
}

void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die(EX_OSERR, "pinning a thread to CPU %d: %s", cpu, strerror(errno));
}

void set_name(const char *name)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%s", name);
	prctl(PR_SET_NAME, buf, 0, 0, 0);
}

void wait_for_file(const char *path, atomic_int *stop)
{
	struct stat st;

	while (stat(path, &st) != 0 && !(stop && atomic_load(stop)))
		sleep_ms(10, stop);
}
