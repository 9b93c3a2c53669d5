// SPDX-License-Identifier: BSD-2-Clause
/*
 * attach.c - load and attach kdelay.bpf.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "elfsyms.h"
#include "kfeatures.h"
#include "kdelay.skel.h"
#include "options.h"
#include "status.h"
#include "syscalls.h"
#include "target.h"
#include "usyms.h"

static int debug_level;

/* Our own messages say what failed; -D adds libbpf's, verifier logs included. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return debug_level ? vfprintf(stderr, fmt, ap) : 0;
}

int attach__ensure_tracefs(void)
{
	struct stat st;

	if (!stat("/sys/kernel/tracing/events", &st) ||
	    !stat("/sys/kernel/debug/tracing/events", &st))
		return 0;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) && errno != EBUSY)
		return -errno;
	return 0;
}

static bool kernel_has_kprobes(void)
{
	struct stat st;

	return !stat("/sys/bus/event_source/devices/kprobe", &st);
}

/* ---------------------------------------------------------- checking */

struct usdt_search {
	const char *provider, *name;
	char found[PATH_MAX];
	char list[1024];
	size_t list_len;
	const char *current;
};

/* Whether "a:b" is already an entry of the ", "-separated list. */
static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	const char *p;

	for (p = strstr(list, item); p; p = strstr(p + 1, item))
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static void usdt_probe_cb(void *ctx, const char *provider, const char *name)
{
	struct usdt_search *s = ctx;
	char item[2 * KD_TRIG_FIELD + 2];
	int n;

	if (!s->found[0] && !strcmp(provider, s->provider) && !strcmp(name, s->name))
		snprintf(s->found, sizeof(s->found), "%s", s->current);
	/* A probe placed at several sites is listed once. */
	snprintf(item, sizeof(item), "%s:%s", provider, name);
	if (list_has(s->list, item) || s->list_len >= sizeof(s->list) - 1)
		return;
	n = snprintf(s->list + s->list_len, sizeof(s->list) - s->list_len, "%s%s",
		     s->list_len ? ", " : "", item);
	if (n > 0)
		s->list_len += (size_t)n;
	if (s->list_len >= sizeof(s->list))
		s->list_len = sizeof(s->list) - 1;
}

static void usdt_file_cb(void *ctx, const char *path)
{
	struct usdt_search *s = ctx;

	s->current = path;
	elfsyms__usdt_list(path, usdt_probe_cb, s);
}

static const char *role(const struct kd_trigger_spec *s)
{
	return s->is_stop ? "stop" : "start";
}

static int check_one(struct kd_trigger_spec *s, const char *text, const struct kd_target *t,
		     struct usyms *u, FILE *err)
{
	char why[256], path[PATH_MAX];
	struct stat st;
	int e;

	if (trigger__parse(&s->t, text, why, sizeof(why))) {
		status__error(err, "Invalid %s trigger [%s]; %s", role(s), text, why);
		return EX_CONFIG;
	}
	switch (s->t.kind) {
	case KD_TRIG_USDT: {
		struct usdt_search us = { .provider = s->t.a, .name = s->t.b };

		usyms__for_each_file(u, usdt_file_cb, &us);
		if (!us.found[0]) {
			status__error(err, "Invalid %s trigger [%s]; Can't find USDT probe '%s:%s' in %s "
				      "or its libraries; probes found: %s",
				      role(s), text, s->t.a, s->t.b, t->exe[0] ? t->exe : "the target",
				      us.list_len ? us.list : "none (built without USDT probes?)");
			return EX_CONFIG;
		}
		snprintf(s->path, sizeof(s->path), "%s", us.found);
		return 0;
	}
	case KD_TRIG_TRACE:
		if (attach__ensure_tracefs())
			fprintf(err, "WARNING: cannot mount tracefs at /sys/kernel/tracing: %s\n",
				strerror(errno));
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/%s", s->t.a, s->t.b);
		if (stat(path, &st)) {
			snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/%s/%s", s->t.a,
				 s->t.b);
			if (stat(path, &st)) {
				status__error(err, "Invalid %s trigger [%s]; no tracepoint '%s:%s' "
					      "in this kernel (see /sys/kernel/tracing/events)",
					      role(s), text, s->t.a, s->t.b);
				return EX_CONFIG;
			}
		}
		return 0;
	case KD_TRIG_KPROBE:
	case KD_TRIG_KRETPROBE:
		if (!kernel_has_kprobes()) {
			status__error(err, "Failed attaching %s %s trigger '%s'; this kernel has no "
				      "kprobe support (CONFIG_KPROBES is not set: no "
				      "/sys/bus/event_source/devices/kprobe)",
				      trigger__kind_name(s->t.kind), role(s), s->t.b);
			return EX_OSERR;
		}
		return 0;
	case KD_TRIG_UPROBE:
	case KD_TRIG_URETPROBE:
		e = usyms__find_func(u, s->t.a, s->t.b, s->path, sizeof(s->path));
		if (e == -ESRCH) {
			status__error(err, "Failed attaching %s %s trigger '%s'; no library mapped "
				      "by process %d matches '%s'",
				      trigger__kind_name(s->t.kind), role(s), s->t.b, t->pid, s->t.a);
			return EX_OSERR;
		}
		if (e) {
			status__error(err, "Failed attaching %s %s trigger '%s'; no function '%s' in %s",
				      trigger__kind_name(s->t.kind), role(s), s->t.b, s->t.b,
				      s->t.a[0] ? "the libraries matching that name" :
				      "the executable or any library it maps");
			return EX_OSERR;
		}
		return 0;
	}
	return EX_CONFIG;
}

int attach__check_triggers(struct kd_bpf *b, const struct kd_opts *o,
			   const struct kd_target *t, FILE *err)
{
	struct usyms *u = NULL;
	int rc = 0;

	b->start.is_stop = 0;
	b->stop.is_stop = 1;
	if (!o->start_trigger && !o->stop_trigger)
		return 0;
	u = usyms__new(t->pid, t->spawned ? t->exe : NULL);
	if (!u) {
		status__error(err, "out of memory");
		return EX_OSERR;
	}
	if (o->start_trigger) {
		rc = check_one(&b->start, o->start_trigger, t, u, err);
		b->has_start = !rc;
	}
	if (!rc && o->stop_trigger) {
		rc = check_one(&b->stop, o->stop_trigger, t, u, err);
		b->has_stop = !rc;
	}
	usyms__free(u);
	return rc;
}

/* ----------------------------------------------------------- loading */

/*
 * Does tracefs list tracepoint sys:tp?  1 yes, 0 no, -1 no tracefs to
 * ask.  A stat, where vmlinux's BTF is a 5 MB read and parse (about a
 * tenth of a second of CPU here, which libbpf's load pays once more).
 */
static int tracefs_has_tracepoint(const char *sys, const char *tp)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[160];
	struct stat st;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events", roots[i]);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(path, sizeof(path), "%s/events/%s/%s", roots[i], sys, tp);
		return !stat(path, &st) && S_ISDIR(st.st_mode);
	}
	return -1;
}

static bool btf_has_tracepoint(const struct btf *vmlinux, const char *tp)
{
	char name[128];

	if (!vmlinux)
		return true; /* let the load decide */
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF) > 0;
}

/* The programs of one trigger kind (start, stop). */
static void trigger_progs(struct kdelay_bpf *skel, enum kd_trigger_kind k,
			  struct bpf_program **start, struct bpf_program **stop,
			  struct bpf_program **start2, struct bpf_program **stop2)
{
	*start = *stop = *start2 = *stop2 = NULL;
	switch (k) {
	case KD_TRIG_USDT:
		*start = skel->progs.start_usdt, *stop = skel->progs.stop_usdt;
		break;
	case KD_TRIG_UPROBE:
	case KD_TRIG_URETPROBE:
		*start = skel->progs.start_uprobe, *stop = skel->progs.stop_uprobe;
		break;
	case KD_TRIG_KPROBE:
	case KD_TRIG_KRETPROBE:
		*start = skel->progs.start_kprobe, *stop = skel->progs.stop_kprobe;
		break;
	case KD_TRIG_TRACE:
		/* raw_tp first (no record formatting); tp/ for the events that are
		 * not raw tracepoints, such as syscalls:sys_enter_*. */
		*start = skel->progs.start_raw_tp, *stop = skel->progs.stop_raw_tp;
		*start2 = skel->progs.start_tp, *stop2 = skel->progs.stop_tp;
		break;
	}
}

static void select_programs(struct kd_bpf *b, FILE *err)
{
	struct kdelay_bpf *skel = b->skel;
	struct bpf_program *prog, *s, *p, *s2, *p2;
	struct btf *vmlinux = NULL;
	bool btf_loaded = false;
	static const struct {
		const char *sys;
		const char *tp;
		const char *what;
	} optional[] = {
		{ "sched", "sched_wakeup_new", "ready time of new threads" },
		{ "irq", "irq_handler_entry", "HARD IRQ statistics" },
		{ "irq", "irq_handler_exit", "HARD IRQ statistics" },
		{ "irq", "softirq_entry", "SOFT IRQ statistics" },
		{ "irq", "softirq_exit", "SOFT IRQ statistics" },
		{ "timer", "hrtimer_expire_entry", "timers named as wakers" },
		{ "timer", "hrtimer_expire_exit", "timers named as wakers" },
		{ "task", "task_rename", "thread renames" },
		{ "sched", "sched_process_fork", "names of new threads" },
		{ "sched", "sched_process_exit", "thread exits" },
	};
	size_t i;
	int has;

	/* Trigger programs: none unless asked for. */
	bpf_object__for_each_program(prog, skel->obj) {
		const char *sec = bpf_program__section_name(prog);

		if (strncmp(sec, "tp_btf/", 7))
			bpf_program__set_autoload(prog, false);
	}
	if (b->has_start) {
		trigger_progs(skel, b->start.t.kind, &s, &p, &s2, &p2);
		bpf_program__set_autoload(s, true);
		if (s2)
			bpf_program__set_autoload(s2, true);
	}
	if (b->has_stop) {
		trigger_progs(skel, b->stop.t.kind, &s, &p, &s2, &p2);
		bpf_program__set_autoload(p, true);
		if (p2)
			bpf_program__set_autoload(p2, true);
	}
	/* A tracepoint this kernel lacks costs its statistics, not the run. */
	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		has = tracefs_has_tracepoint(optional[i].sys, optional[i].tp);
		if (has < 0) {
			/* no tracefs: vmlinux's BTF has a typedef per tracepoint */
			if (!btf_loaded) {
				vmlinux = btf__load_vmlinux_btf();
				btf_loaded = true;
			}
			has = btf_has_tracepoint(vmlinux, optional[i].tp);
		}
		if (has)
			continue;
		prog = bpf_object__find_program_by_name(skel->obj, optional[i].tp);
		if (prog)
			bpf_program__set_autoload(prog, false);
		fprintf(err, "WARNING: this kernel has no %s tracepoint: no %s\n", optional[i].tp,
			optional[i].what);
	}
	/* The waker of a wakeup queued on another CPU (bpf/who.bpf.h): at
	 * csd_queue_cpu, which only such wakeups pass, where the kernel has
	 * it; else at sched_waking, which every wakeup passes. */
	has = tracefs_has_tracepoint("csd", "csd_queue_cpu");
	if (has < 0) {
		if (!btf_loaded)
			vmlinux = btf__load_vmlinux_btf();
		has = vmlinux && btf_has_tracepoint(vmlinux, "csd_queue_cpu");
	}
	bpf_program__set_autoload(has ? skel->progs.sched_waking : skel->progs.csd_queue_cpu, false);
	btf__free(vmlinux);
}

static void set_knobs(struct kdelay_bpf *skel, const struct kd_opts *o, pid_t pid)
{
	int poll_nr = syscalls__nr("poll");

	skel->rodata->targ_tgid = (__u32)pid;
	skel->rodata->want_stacks = o->syscall_events_ns >= 0 && o->stack_trace_size > 0;
	skel->rodata->stack_min_ns = o->syscall_events_ns > 0 ? (__u64)o->syscall_events_ns : 0;
	skel->rodata->skip_stack_nr =
		(o->skip_syscall_poll_events && poll_nr >= 0) ? (__u32)poll_nr : ~0u;
	/* syscall entry times are kept for stacks only: no memory without */
	if (!skel->rodata->want_stacks)
		bpf_map__set_max_entries(skel->maps.sys_entry, 1);
}

/* ----------------------------------------------------------- attaching */

static struct bpf_link *attach_trigger(struct kd_bpf *b, struct kd_trigger_spec *s, pid_t pid)
{
	struct bpf_program *st, *sp, *st2, *sp2, *prog, *prog2;
	struct bpf_link *link = NULL;

	trigger_progs(b->skel, s->t.kind, &st, &sp, &st2, &sp2);
	prog = s->is_stop ? sp : st;
	prog2 = s->is_stop ? sp2 : st2;
	switch (s->t.kind) {
	case KD_TRIG_USDT:
		link = bpf_program__attach_usdt(prog, pid, s->path, s->t.a, s->t.b, NULL);
		break;
	case KD_TRIG_UPROBE:
	case KD_TRIG_URETPROBE: {
		LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = s->t.b,
			    .retprobe = s->t.kind == KD_TRIG_URETPROBE);

		link = bpf_program__attach_uprobe_opts(prog, pid, s->path, 0, &uo);
		break;
	}
	case KD_TRIG_KPROBE:
	case KD_TRIG_KRETPROBE:
		link = bpf_program__attach_kprobe(prog, s->t.kind == KD_TRIG_KRETPROBE, s->t.b);
		break;
	case KD_TRIG_TRACE:
		link = bpf_program__attach_raw_tracepoint(prog, s->t.b);
		if (!link)
			link = bpf_program__attach_tracepoint(prog2, s->t.a, s->t.b);
		break;
	}
	return link;
}

static int trigger_failed(const struct kd_trigger_spec *s, FILE *err)
{
	status__error(err, "Failed attaching %s %s trigger '%s'; %s",
		      trigger__kind_name(s->t.kind), role(s), s->t.text, strerror(errno));
	return EX_OSERR;
}

int attach__start(struct kd_bpf *b, const struct kd_opts *o, const struct kd_target *t,
		  FILE *err)
{
	struct kdelay_bpf *skel;
	struct bpf_program *prog;
	struct kd_kfeatures kf;
	int e;

	debug_level = o->debug;
	libbpf_set_print(libbpf_print);
	kfeatures__probe(&kf, "/sys/kernel/btf/vmlinux");
	if ((e = kfeatures__verdict(&kf, err)))
		return e;
	skel = b->skel = kdelay_bpf__open();
	if (!skel) {
		status__error(err, "Failed to open the BPF object: %s", strerror(errno));
		return EX_OSERR;
	}
	set_knobs(skel, o, t->pid);
	e = bpf_map__set_max_entries(skel->maps.events,
				     o->buffer_page_count * (uint32_t)getpagesize());
	if (e) {
		status__error(err, "Invalid ring buffer size (%u pages): %s",
			      o->buffer_page_count, strerror(-e));
		return EX_CONFIG;
	}
	/* A ring a quarter full wakes the recorder (bpf/record.bpf.h,
	 * ring_flags): three quarters are left to fill while it gets the CPU
	 * and drains.  The flight recorder drains on a short tick of its own. */
	skel->rodata->wake_mark =
		o->flight_seconds > 0 ? 0 : (__u64)o->buffer_page_count * (__u64)getpagesize() / 4;
	select_programs(b, err);
	/* Staging needs its flush tick on every CPU; without it (no perf
	 * events here) the records are reserved one by one, as before. */
	if (o->staging && !o->flight_seconds) {
		e = stagetick__open(&b->tick);
		b->staging = !e;
		if (e)
			fprintf(err, "WARNING: no perf event to tick on every CPU (%s): syscall "
				"records are reserved one by one (--staging off)\n", strerror(-e));
	}
	skel->rodata->stage_sys = b->staging;
	bpf_program__set_autoload(skel->progs.stage_tick, b->staging);
	e = kdelay_bpf__load(skel);
	if (e) {
		status__error(err, "Failed to load the BPF programs: %s (needs kernel BTF and BPF "
			      "tp_btf support; -D shows libbpf's log)",
			      strerror(-e));
		return EX_OSERR;
	}
	/* Event programs; links are owned by the skeleton. */
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) ||
		    strncmp(bpf_program__section_name(prog), "tp_btf/", 7))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			status__error(err, "Failed to attach %s: %s", bpf_program__name(prog),
				      strerror(errno));
			return EX_OSERR;
		}
		/* Find the skeleton slot of this program to hand it the link. */
		for (int i = 0; i < skel->skeleton->prog_cnt; i++)
			if (*skel->skeleton->progs[i].prog == prog)
				*skel->skeleton->progs[i].link = link;
	}
	if (b->staging && (e = stagetick__attach(&b->tick, skel->progs.stage_tick))) {
		status__error(err, "Failed to attach the staging flush tick: %s", strerror(-e));
		return EX_OSERR;
	}
	if (b->has_start && !(b->start.link = attach_trigger(b, &b->start, t->pid)))
		return trigger_failed(&b->start, err);
	if (b->has_stop && !(b->stop.link = attach_trigger(b, &b->stop, t->pid)))
		return trigger_failed(&b->stop, err);
	return 0;
}

void attach__destroy(struct kd_bpf *b)
{
	if (!b)
		return;
	bpf_link__destroy(b->start.link);
	bpf_link__destroy(b->stop.link);
	b->start.link = b->stop.link = NULL;
	stagetick__close(&b->tick);
	kdelay_bpf__destroy(b->skel);
	b->skel = NULL;
}
