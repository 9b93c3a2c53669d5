// SPDX-License-Identifier: BSD-2-Clause
/* capture_end.c - see capture_end.h. */
#include <string.h>

#include "capture_end.h"

void kdr_unclosed_events(struct kdr_unclosed *u, const struct kdf_event *v, size_t n)
{
	/* the earliest and latest of this batch in locals, merged once: the
	 * loop then has no branch but the one on late events, which the
	 * processor predicts (it runs once per event read) */
	uint64_t first = UINT64_MAX, last = 0, after = u->after;
	int closed = u->closed;
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t ts = v[i].ts;

		/* late events of the window just closed are not the next one's */
		if (closed && ts <= after)
			continue;
		first = ts < first ? ts : first;
		last = ts > last ? ts : last;
		kept++;
	}
	if (!kept)
		return;
	if (!u->events || first < u->first_ts)
		u->first_ts = first;
	if (!u->events || last > u->last_ts)
		u->last_ts = last;
	u->events += kept;
}

void kdr_unclosed_item(struct kdr_unclosed *u, const struct kdf_item *it)
{
	uint64_t first = it->u.events.first_ts, last = it->u.events.last_ts;

	if (!it->u.events.n)
		return;
	if (u->closed && first <= u->after) {
		kdr_unclosed_events(u, it->u.events.v, it->u.events.n);
		return;
	}
	if (!u->events || first < u->first_ts)
		u->first_ts = first;
	if (!u->events || last > u->last_ts)
		u->last_ts = last;
	u->events += it->u.events.n;
}

void kdr_unclosed_closed(struct kdr_unclosed *u, const struct kdf_window *w)
{
	u->after = w->end_ts > u->after ? w->end_ts : u->after;
	u->first_ts = u->last_ts = u->events = 0;
	u->index = w->index + 1;
	u->closed = 1;
}

int kdr_unclosed_get(const struct kdr_unclosed *u, struct kdf_window *w)
{
	memset(w, 0, sizeof(*w));
	if (!u->events)
		return 0;
	w->index = u->index;
	w->flags = KDR_WIN_UNCLOSED;
	w->start_ts = u->first_ts;
	w->end_ts = u->last_ts;
	return 1;
}

enum kdr_end kdr_capture_end(int has_summary, const struct kdf_summary *s, int truncated)
{
	if (truncated)
		return KDR_END_TRUNCATED;
	if (!has_summary)
		return KDR_END_NO_SUMMARY;
	if (!strcmp(s->end_reason, "disk-full"))
		return KDR_END_DISK_FULL;
	if (!strcmp(s->end_reason, "write-error"))
		return KDR_END_WRITE_ERROR;
	if (!strcmp(s->end_reason, "target-exited"))
		return KDR_END_TARGET_EXITED;
	if (!strcmp(s->end_reason, "stopped"))
		return KDR_END_STOPPED;
	if (!strcmp(s->end_reason, "error"))
		return KDR_END_ERROR;
	/* older captures, or a reason this reader does not know */
	if (s->exit_reason == 2)
		return KDR_END_TARGET_EXITED;
	if (s->exit_reason == 3)
		return KDR_END_ERROR;
	return KDR_END_STOPPED;
}

static const struct {
	const char *token, *text;
} ends[] = {
	[KDR_END_STOPPED] = { "stopped", "the recorder stopped and closed the capture" },
	[KDR_END_TARGET_EXITED] = { "target-exited", "the target exited and the recorder closed the capture" },
	[KDR_END_NO_SUMMARY] = { "killed", "no end record: the recorder was killed, crashed, or is still running" },
	[KDR_END_TRUNCATED] = { "truncated", "the file ends inside a chunk (the recorder killed while writing, or the file cut)" },
	[KDR_END_DISK_FULL] = { "disk-full", "the disk was full: the recorder stopped writing" },
	[KDR_END_WRITE_ERROR] = { "write-error", "writing the capture failed: the recorder stopped writing" },
	[KDR_END_ERROR] = { "error", "the recorder failed" },
};

const char *kdr_end_token(enum kdr_end e)
{
	return ends[e].token;
}

const char *kdr_end_text(enum kdr_end e)
{
	return ends[e].text;
}

int kdr_end_lost(enum kdr_end e)
{
	return e == KDR_END_DISK_FULL || e == KDR_END_WRITE_ERROR;
}
