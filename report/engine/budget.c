// SPDX-License-Identifier: BSD-2-Clause
/*
 * budget.c - the per-thread time budget of a window (budget.h): spans
 * between a thread's consecutive events, each given to the class the
 * thread was in, clipped to the window.  stats.c calls it before applying
 * an event to the thread's state, so the span ending at the event belongs
 * to the state the thread was in until then.
 */
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "pairing.h"

static const char *const class_names[KDR_B_N] = {
	"running", "ready", "blocked", "hardirq", "softirq", "other", "unknown",
};

const char *kdr_budget_class_name(enum kdr_budget_class k)
{
	return (unsigned)k < KDR_B_N ? class_names[k] : "?";
}

enum kdr_budget_class kdr_budget_class_of(uint32_t f, int oncpu)
{
	/* an irq interrupts whatever runs; softirqs run on irq exit, so a
	 * hard irq inside a softirq is the hard irq's time */
	if (f & KDR_TS_IN_IRQ)
		return KDR_B_HARDIRQ;
	if (f & KDR_TS_IN_SOFTIRQ)
		return KDR_B_SOFTIRQ;
	if (oncpu || (f & KDR_TS_ON_CPU))
		return KDR_B_RUNNING;
	if (f & KDR_TS_READY)
		return KDR_B_READY;
	if (f & KDR_TS_IN_SYS)
		return KDR_B_BLOCKED;
	return KDR_B_OTHER;
}

unsigned kdr_budget_effect(const struct kdf_event *e, uint32_t tid)
{
	switch (e->type) {
	case KDF_EV_WAKEUP:
		return 0; /* made by whoever woke it: says nothing of its CPU */
	case KDF_EV_SWITCH:
		if (e->tid == tid && (e->flags & KDF_SW_PREV_TARGET))
			return KDR_BE_WAS_ON | KDR_BE_OFF;
		return KDR_BE_ON;
	default:
		/* made by the thread itself, so on a CPU: a thread running
		 * since before the window shows no switch-in */
		return KDR_BE_WAS_ON | KDR_BE_ON;
	}
}

static int add_sys(struct kdr_budget *b, uint32_t nr, uint64_t d)
{
	uint32_t i;

	if (b->last_sys < b->nsys && b->sys[b->last_sys].nr == nr) {
		b->sys[b->last_sys].ns += d;
		return 0;
	}
	for (i = 0; i < b->nsys; i++)
		if (b->sys[i].nr == nr)
			break;
	if (i == b->nsys) {
		/* one entry per syscall the thread blocked in: not per event */
		if (b->nsys == b->sys_cap) {
			uint32_t ncap = b->sys_cap ? b->sys_cap * 2 : 4;
			void *n = realloc(b->sys, ncap * sizeof(*b->sys));

			if (!n)
				return -1;
			b->sys = n;
			b->sys_cap = ncap;
		}
		b->sys[i].nr = nr;
		b->sys[i].pad = 0;
		b->sys[i].ns = 0;
		b->nsys++;
	}
	b->sys[i].ns += d;
	b->last_sys = i;
	return 0;
}

int kdr_budget_advance(struct kdr_budget *b, uint32_t f, uint32_t sys_nr, uint64_t ts,
		       unsigned effect, uint64_t clip_lo, uint64_t clip_hi, int lost)
{
	uint64_t a, z;
	enum kdr_budget_class k;
	int rc = 0;

	if (!b->seen) {
		/* after a loss, the first event tells nothing of the time before */
		b->seen = 1;
		b->first_class = (effect & KDR_BE_WAS_ON) && !lost ? KDR_B_RUNNING : KDR_B_UNKNOWN;
		b->pre = (effect & (KDR_BE_WAS_ON | KDR_BE_ON)) || lost ? KDR_BP_NONE : KDR_BP_WOKEN;
		b->first_ts = b->last_ts = ts;
	} else if (ts > b->last_ts) {
		a = b->last_ts > clip_lo ? b->last_ts : clip_lo;
		z = ts < clip_hi ? ts : clip_hi;
		b->last_ts = ts;
		if (z > a && !lost) { /* (lost: left to unknown) */
			k = kdr_budget_class_of(f, b->oncpu);
			b->ns[k] += z - a;
			if (k == KDR_B_BLOCKED)
				rc = add_sys(b, sys_nr, z - a);
		}
	} /* else a late event: that time is accounted already */
	if (effect & KDR_BE_ON)
		b->oncpu = 1;
	if (effect & KDR_BE_OFF)
		b->oncpu = 0;
	return rc;
}

void kdr_budget_loss(struct kdr_budget *b)
{
	b->oncpu = 0;
	b->pre = KDR_BP_NONE;
}

void kdr_budget_sys_event(struct kdr_budget *b, uint8_t type, int entered, uint32_t nr)
{
	switch (type) {
	case KDF_EV_WAKEUP:
		return; /* still woken, or a second wakeup */
	case KDF_EV_SWITCH: /* (switched in: a switch-out ends the pre state) */
		b->pre = b->pre == KDR_BP_WOKEN ? KDR_BP_WOKEN_IN : KDR_BP_NONE;
		return;
	case KDF_EV_SYS_EXIT:
		if (b->pre == KDR_BP_WOKEN_IN && !entered) {
			/* asleep (it was woken) inside nr since before lo */
			b->first_class = KDR_B_BLOCKED;
			b->first_nr = nr;
		}
		break;
	default:
		break;
	}
	b->pre = KDR_BP_NONE;
}

static int cmp_sys(const void *x, const void *y)
{
	const struct kdr_budget_sys *a = x, *b = y;

	if (a->ns != b->ns)
		return a->ns > b->ns ? -1 : 1;
	return a->nr < b->nr ? -1 : a->nr > b->nr;
}

int kdr_budget_close(struct kdr_budget *b, uint32_t f, uint32_t sys_nr, uint64_t lo, uint64_t hi,
		     int lost)
{
	uint64_t len = hi - lo, sum = 0, first;
	int rc = 0;

	if (b->seen) {
		rc = kdr_budget_advance(b, f, sys_nr, hi, 0, lo, hi, lost);
		first = b->first_ts < lo ? lo : b->first_ts > hi ? hi : b->first_ts;
		if (b->first_class != KDR_B_UNKNOWN)
			b->ns[b->first_class] += first - lo;
		if (b->first_class == KDR_B_BLOCKED && first > lo && add_sys(b, b->first_nr, first - lo))
			rc = -1;
	}
	b->ns[KDR_B_UNKNOWN] = 0;
	for (int k = 0; k < KDR_B_N; k++)
		sum += b->ns[k];
	if (sum > len) {
		/* only when events before lo were processed before the window
		 * closed (more than the reorder buffer of them between two
		 * windows): trim the surplus from the biggest class, so that
		 * the budget still adds up */
		int big = 0;

		for (int k = 1; k < KDR_B_N; k++)
			if (b->ns[k] > b->ns[big])
				big = k;
		b->ns[big] -= sum - len;
		if (big == KDR_B_BLOCKED) {
			uint64_t left = sum - len;

			for (uint32_t i = 0; i < b->nsys && left; i++) {
				uint64_t d = b->sys[i].ns < left ? b->sys[i].ns : left;

				b->sys[i].ns -= d;
				left -= d;
			}
		}
		sum = len;
	}
	b->ns[KDR_B_UNKNOWN] = len - sum;
	if (b->nsys > 1)
		qsort(b->sys, b->nsys, sizeof(*b->sys), cmp_sys);
	return rc;
}

int kdr_budget_silent(struct kdr_budget *b, uint32_t state, uint32_t nr, uint64_t lo,
		      uint64_t hi)
{
	enum kdr_budget_class k;

	kdr_budget_reset(b);
	switch (state) {
	case 'S':
	case 'D':
	case 'I':
		k = nr == KDF_CENSUS_NO_SYSCALL ? KDR_B_OTHER : KDR_B_BLOCKED;
		break;
	case 'T':
	case 't':
	case 'Z':
	case 'X':
	case 'x':
		k = KDR_B_OTHER;
		break;
	default: /* 'R', or a letter this report does not know */
		k = KDR_B_UNKNOWN;
		break;
	}
	b->ns[k] = hi - lo;
	return k == KDR_B_BLOCKED && hi > lo ? add_sys(b, nr, hi - lo) : 0;
}

void kdr_budget_reset(struct kdr_budget *b)
{
	struct kdr_budget_sys *sys = b->sys;
	uint32_t cap = b->sys_cap;

	memset(b, 0, sizeof(*b));
	b->sys = sys;
	b->sys_cap = cap;
}

void kdr_budget_free(struct kdr_budget *b)
{
	free(b->sys);
	memset(b, 0, sizeof(*b));
}
