// SPDX-License-Identifier: BSD-2-Clause
/*
 * status.c - progress output of the recorder.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "status.h"

char *status__timestamp(char *buf, size_t len, uint64_t realtime_ns)
{
	time_t sec = (time_t)(realtime_ns / 1000000000ull);
	unsigned int usec = (unsigned int)(realtime_ns % 1000000000ull / 1000);
	char local[32], utc[16];
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(local, sizeof(local), "%Y-%m-%dT%H:%M:%S", &tm);
	gmtime_r(&sec, &tm);
	strftime(utc, sizeof(utc), "%H:%M:%S", &tm);
	if (usec)
		snprintf(buf, len, " @%s.%06u (%s UTC)", local, usec, utc);
	else
		snprintf(buf, len, " @%s (%s UTC)", local, utc);
	return buf;
}

char *status__thousands(char *buf, size_t len, uint64_t v)
{
	char digits[32];
	size_t n, i, o = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	for (i = 0; i < n && o + 1 < len; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

void status__init(struct kd_status *s, bool quiet, uint64_t now)
{
	memset(s, 0, sizeof(*s));
	s->quiet = quiet;
	s->live = !quiet && isatty(STDERR_FILENO);
	s->start_ns = now;
	s->lines = stdout;
}

void status__clear(struct kd_status *s)
{
	if (!s->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	s->shown = false;
}

void status__line_at(struct kd_status *s, const char *msg, uint64_t realtime_ns)
{
	char stamp[96];

	if (s->quiet)
		return;
	status__clear(s);
	status__timestamp(stamp, sizeof(stamp), realtime_ns);
	fprintf(s->lines, "%s%s\n", msg, stamp);
	fflush(s->lines);
}

void status__line(struct kd_status *s, const char *msg)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	status__line_at(s, msg, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
}

void status__update(struct kd_status *s, uint64_t now, uint32_t window, uint64_t events,
		    uint64_t bytes, uint64_t dropped, const char *state)
{
	char ev[32], dr[32];

	if (!s->live || now - s->last_ns < 250000000ull)
		return;
	s->last_ns = now;
	fprintf(stderr, "\r\033[K[%6.1fs] %s, window %u: %s events, %.1f MB written, %s dropped",
		(double)(now - s->start_ns) / 1e9, state, window + 1, status__thousands(ev, sizeof(ev), events),
		(double)bytes / 1e6, status__thousands(dr, sizeof(dr), dropped));
	fflush(stderr);
	s->shown = true;
}

void status__error(FILE *f, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}
