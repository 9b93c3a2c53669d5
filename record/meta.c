// SPDX-License-Identifier: BSD-2-Clause
/*
 * meta.c - fill struct kdf_meta for the capture being written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "meta.h"
#include "options.h"
#include "syscalls.h"
#include "target.h"

uint64_t meta__mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* argv joined with spaces; words with spaces or quotes get single quotes. */
static char *join_argv(int argc, char **argv)
{
	size_t len = 1;
	char *s, *p;
	int i;

	for (i = 0; i < argc; i++)
		len += 4 * strlen(argv[i]) + 3;
	s = p = malloc(len);
	if (!s)
		return NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool quote = !*a || strpbrk(a, " \t\n'\"\\$`*?;&|<>()") != NULL;

		if (i)
			*p++ = ' ';
		if (quote)
			*p++ = '\'';
		for (; *a; a++) {
			if (quote && *a == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *a;
			}
		}
		if (quote)
			*p++ = '\'';
	}
	*p = '\0';
	return s;
}

/* 128 random bits: tells this capture from every other one of a fleet
 * (two nodes may share a host name, or one node record twice in a ns). */
static int new_capture_id(char *id)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -1;
	for (size_t i = 0; i < sizeof(b); i++) {
		id[2 * i] = hex[b[i] >> 4];
		id[2 * i + 1] = hex[b[i] & 0xf];
	}
	id[2 * sizeof(b)] = '\0';
	return 0;
}

int meta__init(struct kd_meta *km, const struct kd_opts *o, const struct kd_target *t)
{
	struct kdf_meta *m = &km->m;
	struct timespec mono, real;
	long ncpus;

	memset(km, 0, sizeof(*km));
	if (o->host_label)
		snprintf(km->hostname, sizeof(km->hostname), "%s", o->host_label);
	else if (gethostname(km->hostname, sizeof(km->hostname) - 1))
		strcpy(km->hostname, "unknown");
	if (new_capture_id(km->capture_id))
		return -errno;
	uname(&km->uts);
	km->command_line = join_argv(o->argc, o->argv);
	if (!km->command_line)
		return -ENOMEM;
	ncpus = sysconf(_SC_NPROCESSORS_CONF);

	m->kdelay_version = KDELAY_VERSION;
	m->command_line = km->command_line;
	m->hostname = km->hostname;
	m->capture_id = km->capture_id;
	m->kernel_release = km->uts.release;
	m->arch = km->uts.machine;
	m->ncpus = ncpus > 0 ? (uint32_t)ncpus : 1;
	m->pid = (uint32_t)t->pid;
	m->comm = t->comm;
	/* Taken back to back: the report maps event times to wall-clock. */
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	m->mono_ns = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
	m->realtime_ns = (uint64_t)real.tv_sec * 1000000000ull + (uint64_t)real.tv_nsec;

	/* 0: a COMMAND traced until it exits (no --sample-time given). */
	m->options.sample_time_ns =
		(o->command && !o->sample_time_given) ? 0 : (uint64_t)(o->sample_time * 1e9);
	m->options.sample_interval_ns = (uint64_t)(o->sample_interval * 1e9);
	m->options.sample_count = o->sample_count;
	m->options.stack_trace_size = o->stack_trace_size;
	m->options.trigger_delta_ns = o->trigger_delta_ns;
	m->options.syscall_events_ns = o->syscall_events_ns;
	m->options.skip_syscall_poll_events = o->skip_syscall_poll_events;
	m->options.buffer_page_count = o->buffer_page_count;
	m->options.start_trigger = o->start_trigger;
	m->options.stop_trigger = o->stop_trigger;
	m->syscall_names = syscalls__table(&m->syscall_count);
	return 0;
}

void meta__free(struct kd_meta *km)
{
	if (!km)
		return;
	free(km->command_line);
	km->command_line = NULL;
}
