// SPDX-License-Identifier: BSD-2-Clause
/*
 * stagetick.c - per-CPU cpu-clock perf events for the staging flush
 * (see stagetick.h).
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "stagetick.h"

static int open_cpu_clock(int cpu)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.sample_period = KD_STAGE_TICK_NS; /* cpu-clock counts nanoseconds */
	/* pid -1, cpu: every task on that CPU, and the idle loop too */
	return (int)syscall(SYS_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

int stagetick__open(struct kd_stagetick *t)
{
	int n = libbpf_num_possible_cpus(), i, e;

	memset(t, 0, sizeof(*t));
	if (n <= 0)
		return n < 0 ? n : -ENODEV;
	t->fds = malloc((size_t)n * sizeof(*t->fds));
	t->links = calloc((size_t)n, sizeof(*t->links));
	if (!t->fds || !t->links) {
		stagetick__close(t);
		return -ENOMEM;
	}
	/* Every possible CPU: one coming online later would have no tick,
	 * and its staged records no bound. */
	for (i = 0; i < n; i++) {
		t->fds[i] = open_cpu_clock(i);
		if (t->fds[i] < 0) {
			e = -errno;
			t->ncpus = i;
			stagetick__close(t);
			return e;
		}
	}
	t->ncpus = n;
	return 0;
}

int stagetick__attach(struct kd_stagetick *t, struct bpf_program *prog)
{
	int i;

	for (i = 0; i < t->ncpus; i++) {
		t->links[i] = bpf_program__attach_perf_event(prog, t->fds[i]);
		if (!t->links[i]) {
			int e = -errno;

			t->links[i] = NULL;
			return e ? e : -EINVAL;
		}
	}
	return 0;
}

void stagetick__close(struct kd_stagetick *t)
{
	int i;

	for (i = 0; i < t->ncpus; i++) {
		if (t->links && t->links[i])
			bpf_link__destroy(t->links[i]); /* closes the event's fd too */
		else if (t->fds)
			close(t->fds[i]);
	}
	free(t->fds);
	free(t->links);
	memset(t, 0, sizeof(*t));
}
