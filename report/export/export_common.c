// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_common.c - what every export shares around its two passes:
 * opening the capture (twice: export_pass1.c, then export_timeline.c on a
 * fresh reader), t = 0 and the clipping range, errors and exit statuses
 * in kdr_report_file()'s terms (export_status.c), names of syscalls and softirq vectors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "capture_end.h"
#include "export_internal.h"
#include "report_options.h"

static void warn_cb(void *ctx, uint64_t offset, const char *msg)
{
	struct kdr_export *x = ctx;

	/* Both passes read the same file: say each problem once. */
	if (x->r)
		return;
	x->warnings++;
	fprintf(x->err, "kdelay-report: %s: warning: %s: offset %" PRIu64 ": %s\n", x->what,
		x->path, offset, msg);
}

static int reader_open(struct kdr_export *x, struct kdf_reader **out)
{
	char msg[256] = "";
	int err = 0;

	*out = kdf_reader_open(x->path, warn_cb, x, &err, msg, sizeof(msg));
	if (*out)
		return EX_OK;
	if (!msg[0])
		snprintf(msg, sizeof(msg), "%s", kdf_strerror(err));
	switch (err) {
	case KDF_E_IO:
		return kdr_export_fail(x, EX_NOINPUT, "%s: %s", x->path, msg);
	case KDF_E_NOMEM:
		return kdr_export_fail(x, EX_OSERR, "%s: %s", x->path, msg);
	default:
		return kdr_export_fail(x, EX_DATAERR, "%s: %s", x->path, msg);
	}
}

/* t = 0 and the clipping range, once pass 1 knows the windows. */
static int set_range(struct kdr_export *x)
{
	const struct kdr_export_opts *o = x->opts;
	uint64_t base;
	size_t i;

	x->origin = x->first_ts;
	if (x->nwindows)
		x->origin = x->windows[0].start_ts;
	if (!x->origin)
		x->origin = x->meta->mono_ns;
	x->end_ts = x->last_ts;
	for (i = 0; i < x->nwindows; i++)
		if (x->windows[i].end_ts > x->end_ts)
			x->end_ts = x->windows[i].end_ts;
	if (x->end_ts < x->origin)
		x->end_ts = x->origin;

	if (o->time_to_ns && o->time_to_ns <= o->time_from_ns)
		return kdr_export_fail(x, EX_USAGE, "empty time range %" PRIu64 "..%" PRIu64 " ns",
				       o->time_from_ns, o->time_to_ns);
	base = o->time_base == KDR_EXPORT_TIME_CAPTURE ? x->meta->mono_ns : x->origin;
	/* Saturating: a huge range end on a capture means "to the end". */
	x->from = o->time_from_ns > UINT64_MAX - base ? UINT64_MAX : base + o->time_from_ns;
	x->to = !o->time_to_ns || o->time_to_ns > UINT64_MAX - base ? UINT64_MAX
								   : base + o->time_to_ns;
	x->syscall_nr = UINT32_MAX;
	if (o->syscall) {
		x->syscall_nr = kdr_syscall_lookup(x->meta, o->syscall);
		if (x->syscall_nr == UINT32_MAX)
			return kdr_export_fail(x, EX_USAGE, "unknown syscall '%s'", o->syscall);
	}
	if (o->has_window) {
		/* as the text report: never the window left open */
		for (i = 0; i < x->nwindows && (x->windows[i].index != o->window ||
						(x->windows[i].flags & KDR_WIN_UNCLOSED)); i++)
			;
		if (i == x->nwindows)
			return kdr_export_fail(x, EX_USAGE, "no window %u in %s (it has %zu)", o->window,
					       x->path, x->nwindows);
		if (x->windows[i].start_ts > x->from)
			x->from = x->windows[i].start_ts;
		if (x->windows[i].end_ts < x->to)
			x->to = x->windows[i].end_ts;
	}
	/* Times are written relative to the origin, never negative. */
	if (x->from < x->origin)
		x->from = x->origin;
	if (x->to <= x->from)
		return kdr_export_fail(x, EX_USAGE,
				       "the time range and window select nothing after the first window's start");
	return EX_OK;
}

int kdr_export_open(struct kdr_export *x, const char *path, const struct kdr_export_opts *opts,
		    const char *what)
{
	struct kdf_reader *r1;
	int rc;

	memset(x, 0, sizeof(*x));
	x->opts = opts;
	x->what = what;
	x->path = path;
	x->err = opts && opts->err ? opts->err : stderr;
	if (!opts || !opts->out)
		return kdr_export_fail(x, EX_USAGE, "no output stream");
	if (!path)
		return kdr_export_fail(x, EX_USAGE, "no capture file");

	rc = reader_open(x, &r1);
	if (rc != EX_OK)
		return rc;
	x->meta = kdf_reader_meta(r1);
	rc = kdr_export_pass1(x, r1);
	kdf_reader_close(r1);
	x->meta = NULL;
	if (rc != EX_OK)
		return rc;

	rc = reader_open(x, &x->r);
	if (rc != EX_OK)
		return rc;
	x->meta = kdf_reader_meta(x->r);
	return set_range(x);
}

void kdr_export_close(struct kdr_export *x)
{
	size_t i;

	if (x->r)
		kdf_reader_close(x->r);
	for (i = 0; i < x->nthreads; i++)
		free(x->threads[i].name);
	free(x->threads);
	kdr_symbols_free(x->syms);
	free(x->windows);
	kdr_filter_free(&x->filter);
	memset(x, 0, sizeof(*x));
}

const char *kdr_export_syscall_name(const struct kdr_export *x, uint32_t nr, char *buf, size_t len)
{
	if (x->meta && nr < x->meta->syscall_count && x->meta->syscall_names &&
	    x->meta->syscall_names[nr])
		return x->meta->syscall_names[nr];
	snprintf(buf, len, "syscall_%u", nr);
	return buf;
}

/* Seconds (>= 0, may be huge) to ns, rounded, saturating. */
static uint64_t secs_to_ns(double s)
{
	if (!(s > 0))
		return 0;
	if (s >= 18446744073.0)
		return UINT64_MAX;
	return (uint64_t)(s * 1e9 + 0.5);
}

void kdr_export_opts_from_report(struct kdr_export_opts *eo, const struct kdr_options *o,
				 FILE *out, FILE *err)
{
	memset(eo, 0, sizeof(*eo));
	eo->out = out;
	eo->err = err;
	eo->tids = o->tids;
	eo->tid_count = o->ntids;
	eo->thread_regex = o->thread_regex;
	eo->syscall = o->syscall;
	if (o->window >= 0 && o->window <= UINT32_MAX) {
		eo->has_window = 1;
		eo->window = (uint32_t)o->window;
	}
	if (o->has_time_range) {
		eo->time_base = KDR_EXPORT_TIME_CAPTURE;
		eo->time_from_ns = secs_to_ns(o->time_start_s);
		/* 0 would mean "to the end": an end at 0 s is 1 ns. */
		if (o->time_end_s >= 0) {
			eo->time_to_ns = secs_to_ns(o->time_end_s);
			if (!eo->time_to_ns)
				eo->time_to_ns = 1;
		}
	}
}

const char *kdr_export_softirq_name(uint32_t vec, char *buf, size_t len)
{
	static const char *const names[] = { "hi",	 "timer", "net_tx", "net_rx",  "block",
					     "irq_poll", "tasklet", "sched", "hrtimer", "rcu" };

	if (vec < sizeof(names) / sizeof(names[0]))
		return names[vec];
	snprintf(buf, len, "softirq_%u", vec);
	return buf;
}
