// SPDX-License-Identifier: BSD-2-Clause
/*
 * session.c - bring a recording up (target, triggers, file, BPF, thread
 * names) and down (summary, close, free).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "kdelay.skel.h"
#include "kdelay_events.h"
#include "output.h"
#include "session.h"
#include "status.h"
#include "symbols.h"
#include "threads.h"

static bool privileged(void)
{
	unsigned long long cap = 0;
	char line[256];
	FILE *f;

	if (geteuid() == 0)
		return true;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &cap) == 1)
			break;
	fclose(f);
	/* CAP_SYS_ADMIN (21), or CAP_BPF (39) with CAP_PERFMON (38) */
	return (cap & (1ull << 21)) || ((cap & (1ull << 39)) && (cap & (1ull << 38)));
}

static int setup_signals(struct session *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return s->sigfd < 0 ? -errno : 0;
}

/* sigfd, target.pidfd (if any) and the ring in one epoll set. */
static int setup_wait(struct session *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = KD_WAIT_SIGNAL };

	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->sigfd, &ev))
		return -errno;
	ev.data.u32 = KD_WAIT_TARGET;
	if (s->target.pidfd >= 0 && epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->target.pidfd, &ev))
		return -errno;
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u32 = KD_WAIT_RING;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, bpf_map__fd(s->bpf.skel->maps.events), &ev))
		return -errno;
	return 0;
}

void session__drained(struct session *s)
{
	if (BSS_LOAD(s, wake_pending))
		BSS_STORE(s, wake_pending, 0);
}

void session__drain(struct session *s)
{
	int n;

	do
		n = ring_buffer__consume(s->rb);
	while (n > 0);
	session__drained(s);
}

int session__setup(struct session *s)
{
	const struct kd_opts *o = s->o;
	int rc, n;

	if (o->command) {
		if (!privileged())
			goto noperm;
		rc = target__spawn(&s->target, o->command, stderr);
	} else {
		rc = target__find(&s->target, o->pid, o->comm, stderr);
		if (!rc && !privileged())
			goto noperm;
	}
	if (rc)
		return rc;
	s->until_exit = o->command && !o->sample_time_given;
	if ((rc = attach__check_triggers(&s->bpf, o, &s->target, stderr)))
		return rc;
	if ((rc = meta__init(&s->meta, o, &s->target))) {
		if (rc == -ENOMEM)
			status__error(stderr, "out of memory");
		else
			status__error(stderr, "cannot draw a random capture id: %s", strerror(-rc));
		return EX_OSERR;
	}
	/* BPF first: when it cannot load, an existing capture stays as it is. */
	if ((rc = attach__start(&s->bpf, o, &s->target, stderr)))
		return rc;
	if ((rc = output__open(o->output, o->output_fd, &s->meta.m, &s->w, stderr)))
		return rc;
	if (o->syscall_events_ns >= 0 && o->stack_trace_size > 0) {
		s->syms = symbols__new(s->target.pid, s->target.spawned ? s->target.exe : NULL);
		if (!s->syms) {
			status__error(stderr, "out of memory");
			return EX_OSERR;
		}
	}
	window__init(&s->win, o->trigger_delta_ns, 0, consumer__emit, &s->cons);
	consumer__init(&s->cons, s->w, &s->win, s->syms);
	s->cons.merging = s->bpf.staging;
	s->cons.stack_limit = o->stack_trace_size;
	/* The kallsyms snapshot, now that our programs are in it, and before
	 * the first stack arrives while the ring is filling. */
	if (s->syms)
		symbols__probe_frames(s->syms, NULL, 0);
	s->rb = ring_buffer__new(bpf_map__fd(s->bpf.skel->maps.events), consumer__handle, &s->cons,
				 NULL);
	if (!s->rb) {
		status__error(stderr, "Failed to set up the BPF ring buffer: %s", strerror(errno));
		return EX_OSERR;
	}
	if (s->bpf.staging) {
		s->ring_pos = mmap(NULL, 2 * (size_t)getpagesize(), PROT_READ, MAP_SHARED,
				   bpf_map__fd(s->bpf.skel->maps.events), 0);
		if (s->ring_pos == MAP_FAILED) {
			s->ring_pos = NULL;
			status__error(stderr, "Cannot map the BPF ring buffer's positions: %s",
				      strerror(errno));
			return EX_OSERR;
		}
	}
	/* Names of the threads alive now; later ones come from BPF. */
	n = threads__scan(s->w, s->target.pid, meta__mono_ns());
	if (n < 0 && n != -ENOENT) {
		status__error(stderr, "Cannot read the threads of %d: %s", s->target.pid,
			      strerror(-n));
		return EX_UNAVAILABLE;
	}
	/* -ENOENT: the target already exited; the loop notices and closes. */
	if (setup_signals(s)) {
		status__error(stderr, "Cannot set up signal handling: %s", strerror(errno));
		return EX_OSERR;
	}
	if ((rc = setup_wait(s))) {
		status__error(stderr, "Cannot set up the wait for events: %s", strerror(-rc));
		return EX_OSERR;
	}
	return 0;
noperm:
	status__error(stderr, "We need to run as root to attached probes!");
	return EX_NOPERM;
}

/* The summary's end_reason for how the loop ended; the writer puts its
 * own ("disk-full", "write-error") when a write failed. */
static const char *end_reason(const struct session *s, int rc)
{
	if (rc || s->exit_reason == KD_EXIT_ERROR)
		return "error";
	return s->exit_reason == KD_EXIT_TARGET ? "target-exited" : "stopped";
}

int session__finish(struct session *s, int rc)
{
	const char *name = strcmp(s->o->output, KD_OUTPUT_STDOUT) ? s->o->output : "standard output";
	struct kdf_summary sum;
	int err;

	if (!s->w)
		return rc;
	if (s->bpf.skel && s->rb) {
		BSS_STORE(s, capture_state, KD_CAPTURE_STOPPED);
		session__drain(s);
	}
	consumer__release(&s->cons, UINT64_MAX);
	status__clear(&s->st);
	memset(&sum, 0, sizeof(sum));
	sum.end_ts = meta__mono_ns();
	memcpy(sum.events, s->cons.written, sizeof(sum.events));
	if (s->bpf.skel) {
		sum.dropped = BSS_LOAD(s, dropped) + s->overflow;
		/* Triggers after the last window are not misses: we stopped. */
		sum.trigger_missed = s->win.index ? s->missed_total : BSS_LOAD(s, trigger_missed);
		sum.stacks_lost = BSS_LOAD(s, stacks_lost) + s->cons.stacks_over_limit_total;
	}
	sum.windows = s->win.index;
	sum.exit_reason = rc || s->cons.err ? KD_EXIT_ERROR : (uint32_t)s->exit_reason;
	snprintf(sum.end_reason, sizeof(sum.end_reason), "%s", end_reason(s, rc || s->cons.err));
	if (s->cons.err) {
		/* The writer's sticky error, which also puts back its errno. */
		kdf_writer_flush(s->w);
		status__error(stderr, "Writing %s failed: %s; the capture ends at its last complete "
			      "chunk, with a summary saying why when there is room for it",
			      name, s->cons.err == KDF_E_IO ? strerror(errno) : kdf_strerror(s->cons.err));
		kdf_writer_close(s->w, &sum);
		s->w = NULL;
		return rc ? rc : EX_IOERR;
	}
	err = kdf_writer_close(s->w, &sum);
	s->w = NULL;
	if (err) {
		status__error(stderr, "Closing %s failed: %s", name,
			      err == KDF_E_IO ? strerror(errno) : kdf_strerror(err));
		return rc ? rc : EX_IOERR;
	}
	if (sum.dropped)
		fprintf(stderr, "WARNING: Not all events were captured, %llu were dropped! "
				"Increase the BPF ring buffer size with --buffer-page-count.\n",
			(unsigned long long)sum.dropped);
	if (sum.trigger_missed && s->o->sample_count > 1)
		fprintf(stderr, "WARNING: Not all start triggers were successful. %llu were missed "
				"between sample windows.\n",
			(unsigned long long)sum.trigger_missed);
	return rc;
}

void session__free(struct session *s)
{
	if (s->rb)
		ring_buffer__free(s->rb);
	s->rb = NULL;
	if (s->ring_pos)
		munmap(s->ring_pos, 2 * (size_t)getpagesize());
	s->ring_pos = NULL;
	attach__destroy(&s->bpf);
	symbols__free(s->syms);
	s->syms = NULL;
	window__free(&s->win);
	consumer__free(&s->cons);
	meta__free(&s->meta);
	if (s->epfd >= 0)
		close(s->epfd);
	s->epfd = -1;
	if (s->sigfd >= 0)
		close(s->sigfd);
	s->sigfd = -1;
	target__cleanup(&s->target);
}
