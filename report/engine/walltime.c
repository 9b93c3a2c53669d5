// SPDX-License-Identifier: BSD-2-Clause
/* walltime.c - see walltime.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "walltime.h"

int64_t kdr_walltime_ns(const struct kdr_walltime *w, uint64_t mono_ns)
{
	/* realtime + (mono - mono0), computed without overflow */
	if (mono_ns >= w->mono_ns) {
		uint64_t d = mono_ns - w->mono_ns;

		if (w->realtime_ns > (uint64_t)INT64_MAX || d > (uint64_t)INT64_MAX - w->realtime_ns)
			return INT64_MAX;
		return (int64_t)(w->realtime_ns + d);
	}
	uint64_t d = w->mono_ns - mono_ns;

	if (w->realtime_ns > (uint64_t)INT64_MAX)
		return INT64_MAX;
	return (int64_t)w->realtime_ns - (int64_t)(d > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : d);
}

static int split(const struct kdr_walltime *w, uint64_t mono_ns, time_t *sec, long *usec)
{
	int64_t ns = kdr_walltime_ns(w, mono_ns);
	int64_t s = ns / 1000000000, rem = ns % 1000000000;

	if (rem < 0) {
		rem += 1000000000;
		s--;
	}
	*sec = (time_t)s;
	*usec = (long)(rem / 1000);
	return 0;
}

char *kdr_walltime_iso(const struct kdr_walltime *w, uint64_t mono_ns, int with_offset,
		       char *buf, size_t size)
{
	struct tm tm;
	time_t sec;
	long usec;
	size_t n;

	split(w, mono_ns, &sec, &usec);
	tzset();
	if (!localtime_r(&sec, &tm) || !(n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm))) {
		snprintf(buf, size, "?");
		return buf;
	}
	if (usec)
		n += snprintf(buf + n, size - n, ".%06ld", usec);
	if (with_offset && n < size) {
		char z[8];

		/* +HHMM -> +HH:MM, as isoformat() prints an aware time */
		if (strftime(z, sizeof(z), "%z", &tm) == 5)
			snprintf(buf + n, size - n, "%.3s:%.2s", z, z + 3);
	}
	return buf;
}

char *kdr_walltime_stamp(const struct kdr_walltime *w, uint64_t mono_ns, char *buf, size_t size)
{
	char iso[64], utc[16];
	struct tm tm;
	time_t sec;
	long usec;

	split(w, mono_ns, &sec, &usec);
	kdr_walltime_iso(w, mono_ns, 0, iso, sizeof(iso));
	if (!gmtime_r(&sec, &tm) || !strftime(utc, sizeof(utc), "%H:%M:%S", &tm))
		snprintf(utc, sizeof(utc), "?");
	snprintf(buf, size, " @%s (%s UTC)", iso, utc);
	return buf;
}
