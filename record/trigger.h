/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trigger.h - parse the --start-trigger / --stop-trigger text.
 *
 * Syntax of the reference, plus "upr" (which its documentation uses) and
 * an optional library for uprobes:
 *   u|usdt:PROVIDER:PROBE         t|trace:SYSTEM:EVENT
 *   k|kprobe:FUNC                 kr|kretprobe:FUNC
 *   up|uprobe:[LIB:]FUNC          ur|upr|uretprobe:[LIB:]FUNC
 */
#ifndef KD_TRIGGER_H
#define KD_TRIGGER_H

#include <stddef.h>

enum kd_trigger_kind {
	KD_TRIG_USDT = 1,
	KD_TRIG_TRACE,
	KD_TRIG_KPROBE,
	KD_TRIG_KRETPROBE,
	KD_TRIG_UPROBE,
	KD_TRIG_URETPROBE,
};

#define KD_TRIG_FIELD 128

struct kd_trigger {
	enum kd_trigger_kind kind;
	char text[2 * KD_TRIG_FIELD + 16]; /* as given */
	char a[KD_TRIG_FIELD];		   /* provider, system, library ("" = any) */
	char b[KD_TRIG_FIELD];		   /* probe, event, function */
};

/*
 * Parse text into *t.  Returns 0, or -1 with the reason in why (the
 * reference's wording: "Invalid probe type 'x'", "Invalid number of
 * arguments for USDT", ...).
 */
int trigger__parse(struct kd_trigger *t, const char *text, char *why, size_t why_len);

/* "usdt", "trace", "kprobe", ... */
const char *trigger__kind_name(enum kd_trigger_kind kind);

#endif /* KD_TRIGGER_H */
