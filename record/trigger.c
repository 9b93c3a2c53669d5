// SPDX-License-Identifier: BSD-2-Clause
/*
 * trigger.c - parse trigger text; attaching is attach.c's job.
 */
#include <stdio.h>
#include <string.h>

#include "trigger.h"

static const struct {
	const char *name;
	enum kd_trigger_kind kind;
} kinds[] = {
	{ "u", KD_TRIG_USDT },	      { "usdt", KD_TRIG_USDT },
	{ "t", KD_TRIG_TRACE },	      { "trace", KD_TRIG_TRACE },
	{ "k", KD_TRIG_KPROBE },      { "kprobe", KD_TRIG_KPROBE },
	{ "kr", KD_TRIG_KRETPROBE },  { "kretprobe", KD_TRIG_KRETPROBE },
	{ "up", KD_TRIG_UPROBE },     { "uprobe", KD_TRIG_UPROBE },
	{ "ur", KD_TRIG_URETPROBE },  { "upr", KD_TRIG_URETPROBE },
	{ "uretprobe", KD_TRIG_URETPROBE },
};

const char *trigger__kind_name(enum kd_trigger_kind kind)
{
	switch (kind) {
	case KD_TRIG_USDT: return "usdt";
	case KD_TRIG_TRACE: return "trace";
	case KD_TRIG_KPROBE: return "kprobe";
	case KD_TRIG_KRETPROBE: return "kretprobe";
	case KD_TRIG_UPROBE: return "uprobe";
	case KD_TRIG_URETPROBE: return "uretprobe";
	}
	return "unknown";
}

/* Split s at ':' into at most max fields; returns the number of fields.
 * *too_long: index of the first field that does not fit, -1 if none. */
static int split(const char *s, char fields[][KD_TRIG_FIELD], int max, int *too_long)
{
	int n = 0;

	*too_long = -1;
	for (;;) {
		const char *colon = strchr(s, ':');
		size_t len = colon ? (size_t)(colon - s) : strlen(s);

		if (n < max && len >= KD_TRIG_FIELD) {
			fields[n][0] = '\0';
			if (*too_long < 0)
				*too_long = n;
		} else if (n < max) {
			memcpy(fields[n], s, len);
			fields[n][len] = '\0';
		}
		n++;
		if (!colon)
			return n;
		s = colon + 1;
	}
}

int trigger__parse(struct kd_trigger *t, const char *text, char *why, size_t why_len)
{
	char f[4][KD_TRIG_FIELD];
	int n, too_long;
	size_t i;

	memset(t, 0, sizeof(*t));
	snprintf(t->text, sizeof(t->text), "%s", text);
	n = split(text, f, 4, &too_long);
	if (n <= 1) {
		snprintf(why, why_len, "Can't extract probe type.");
		return -1;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (too_long != 0 && !strcmp(f[0], kinds[i].name))
			t->kind = kinds[i].kind;
	if (!t->kind) {
		snprintf(why, why_len, "Invalid probe type '%.*s'", KD_TRIG_FIELD, too_long == 0 ? "?" : f[0]);
		return -1;
	}
	if (too_long > 0) {
		snprintf(why, why_len, "A field is longer than %d characters", KD_TRIG_FIELD - 1);
		return -1;
	}
	switch (t->kind) {
	case KD_TRIG_USDT:
	case KD_TRIG_TRACE:
		if (n != 3) {
			snprintf(why, why_len, "Invalid number of arguments for %s",
				 t->kind == KD_TRIG_USDT ? "USDT" : "TRACE");
			return -1;
		}
		strcpy(t->a, f[1]);
		strcpy(t->b, f[2]);
		break;
	case KD_TRIG_KPROBE:
	case KD_TRIG_KRETPROBE:
		if (n != 2) {
			snprintf(why, why_len, "Invalid number of arguments for K(RET)PROBE");
			return -1;
		}
		strcpy(t->b, f[1]);
		break;
	case KD_TRIG_UPROBE:
	case KD_TRIG_URETPROBE:
		/* up:FUNC, or up:LIB:FUNC naming the library (kdelay only) */
		if (n != 2 && n != 3) {
			snprintf(why, why_len, "Invalid number of arguments for U(RET)PROBE");
			return -1;
		}
		if (n == 3)
			strcpy(t->a, f[1]);
		strcpy(t->b, f[n - 1]);
		break;
	}
	if (!t->b[0] || ((t->kind == KD_TRIG_USDT || t->kind == KD_TRIG_TRACE) && !t->a[0])) {
		snprintf(why, why_len, "Empty field in %s trigger", trigger__kind_name(t->kind));
		return -1;
	}
	return 0;
}
