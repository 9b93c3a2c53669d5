/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * walltime.h - CLOCK_MONOTONIC event times to wall-clock strings, through
 * the (mono_ns, realtime_ns) pair the recorder took together at start.
 */
#ifndef KDR_WALLTIME_H
#define KDR_WALLTIME_H

#include <stddef.h>
#include <stdint.h>

struct kdr_walltime {
	uint64_t mono_ns;
	uint64_t realtime_ns;
};

/* Wall-clock ns since the epoch of a monotonic timestamp (saturating). */
int64_t kdr_walltime_ns(const struct kdr_walltime *w, uint64_t mono_ns);

/*
 * " @ISO (HH:MM:SS UTC)" as kernel_delay.py's print_timestamp() prints it:
 * local time (TZ honoured) in Python's datetime.isoformat() form, i.e.
 * "YYYY-MM-DDTHH:MM:SS.ffffff" with the fraction left out when it is zero,
 * then the UTC time of day.  Returns buf.
 */
char *kdr_walltime_stamp(const struct kdr_walltime *w, uint64_t mono_ns, char *buf, size_t size);

/* The local ISO part only (for JSON: with the numeric UTC offset). */
char *kdr_walltime_iso(const struct kdr_walltime *w, uint64_t mono_ns, int with_offset,
		       char *buf, size_t size);

#endif /* KDR_WALLTIME_H */
