// SPDX-License-Identifier: BSD-2-Clause
/* filter.c - see filter.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "filter.h"
#include "stats_types.h"

uint32_t kdr_syscall_lookup(const struct kdf_meta *meta, const char *name)
{
	char *end;
	unsigned long v;
	uint32_t i;

	for (i = 0; i < meta->syscall_count; i++)
		if (meta->syscall_names && meta->syscall_names[i] &&
		    !strcmp(meta->syscall_names[i], name))
			return i;
	errno = 0;
	v = strtoul(name, &end, 10);
	if (*name >= '0' && *name <= '9' && !*end && !errno && v < KDR_NO_NR)
		return (uint32_t)v;
	return KDR_NO_NR;
}

static int parse_secs(const char *s, size_t len, double *v)
{
	char buf[64], *end;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtod(buf, &end);
	if (*end || errno || !isfinite(*v) || *v < 0)
		return -1;
	return 0;
}

int kdr_parse_time_range(const char *arg, double *start, double *end)
{
	const char *comma = strchr(arg, ',');
	size_t l1;

	if (!comma || strchr(comma + 1, ','))
		return -1;
	l1 = (size_t)(comma - arg);
	*start = 0;
	*end = -1;
	if (l1 && parse_secs(arg, l1, start))
		return -1;
	if (comma[1] && parse_secs(comma + 1, strlen(comma + 1), end))
		return -1;
	if (!l1 && !comma[1])
		return -1;
	if (*end >= 0 && *end < *start)
		return -1;
	return 0;
}

static uint64_t add_secs(uint64_t base, double s)
{
	double ns = s * 1e9;

	if (ns >= (double)(UINT64_MAX - base))
		return UINT64_MAX;
	return base + (uint64_t)ns;
}

int kdr_filter_threads(struct kdr_filter *f, const uint32_t *tids, size_t ntids,
		       const char *regex, char *why, size_t why_len)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->nr = KDR_NO_NR;
	f->lo = 0;
	f->hi = UINT64_MAX;
	if (tids && ntids) {
		f->tids = tids;
		f->ntids = ntids;
	}
	if (regex) {
		rc = regcomp(&f->re, regex, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			regerror(rc, &f->re, why, why_len);
			return EX_USAGE;
		}
		f->has_re = 1;
	}
	return 0;
}

int kdr_filter_init(struct kdr_filter *f, const struct kdr_options *o,
		    const struct kdf_meta *meta, char *msg, size_t msg_len)
{
	char why[128];

	if (kdr_filter_threads(f, o->tids, o->ntids, o->thread_regex, why, sizeof(why))) {
		snprintf(msg, msg_len, "bad --thread regex '%s': %s", o->thread_regex, why);
		return EX_USAGE;
	}
	if (o->syscall) {
		f->nr = kdr_syscall_lookup(meta, o->syscall);
		if (f->nr == KDR_NO_NR) {
			snprintf(msg, msg_len, "unknown syscall '%s' (not in the capture's %s table)",
				 o->syscall, meta->arch ? meta->arch : "syscall");
			kdr_filter_free(f);
			return EX_USAGE;
		}
	}
	if (o->has_time_range) {
		if (!(o->time_start_s >= 0) || (o->time_end_s >= 0 && o->time_end_s < o->time_start_s)) {
			snprintf(msg, msg_len, "bad --time-range");
			kdr_filter_free(f);
			return EX_USAGE;
		}
		f->lo = add_secs(meta->mono_ns, o->time_start_s);
		if (o->time_end_s >= 0)
			f->hi = add_secs(meta->mono_ns, o->time_end_s);
	}
	return 0;
}

void kdr_filter_free(struct kdr_filter *f)
{
	if (f->has_re)
		regfree(&f->re);
	f->has_re = 0;
}

int kdr_filter_tid(const struct kdr_filter *f, uint32_t tid)
{
	size_t i;

	if (!f->tids)
		return 1;
	for (i = 0; i < f->ntids; i++)
		if (f->tids[i] == tid)
			return 1;
	return 0;
}

int kdr_filter_thread(const struct kdr_filter *f, uint32_t tid, const char *name)
{
	if (!kdr_filter_tid(f, tid))
		return 0;
	return !f->has_re || regexec(&f->re, name, 0, NULL, 0) == 0;
}
