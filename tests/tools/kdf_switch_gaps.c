// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdf_switch_gaps CAPTURE TID [NEXT] - print "switch_outs=N unended=U
 * ran_unseen=R unwoken=W": how many times the capture switches TID out (in
 * favour of NEXT only, when given), how many of those the capture never
 * sees end: no switch-in of TID comes before its next switch-out or the
 * end of the window; after how many of TID's switch-outs (any) TID made a
 * syscall event before a switch-in named it: it ran, and the capture did
 * not see it switched in (nor, usually, woken); and how many times TID
 * was switched in after a switch-out asleep (prev_state not running) with
 * no wakeup of TID between the two.  Read with the format library.
 *
 * Under load the kernel of these machines now and then runs a thread
 * again without a sched_switch event naming it as next (perf record -e
 * sched:sched_switch shows the same gaps on the same kernel).  A test
 * whose workload makes sure TID ran again after each switch-out to NEXT
 * (kdelay-steal: after each steal) records again when one is unended,
 * rather than count a wait whose end the kernel did not show.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kdelay_format.h"

static int parse_tid(const char *s, unsigned long *v)
{
	char *end;

	*v = strtoul(s, &end, 10);
	return *v && *v <= UINT32_MAX && !*end;
}

int main(int argc, char **argv)
{
	uint64_t outs = 0, unended = 0, ran_unseen = 0;
	int open = 0; /* a counted switch-out of tid not yet seen to end */
	int out = 0;  /* tid switched out, no switch-in of it seen since */
	int asleep = 0; /* tid switched out asleep, no wakeup of it seen since */
	uint64_t unwoken = 0;
	unsigned long tid, next = 0;
	struct kdf_reader *r;
	struct kdf_item it;
	char msg[256];
	int err, rc;

	if ((argc != 3 && argc != 4) || !parse_tid(argv[2], &tid) ||
	    (argc == 4 && !parse_tid(argv[3], &next))) {
		fprintf(stderr, "usage: kdf_switch_gaps CAPTURE TID [NEXT]\n");
		return 64;
	}
	r = kdf_reader_open(argv[1], NULL, NULL, &err, msg, sizeof(msg));
	if (!r) {
		fprintf(stderr, "kdf_switch_gaps: cannot read '%s': %s\n", argv[1], msg);
		return 66;
	}
	while ((rc = kdf_reader_next(r, &it)) > 0) {
		if (it.type == KDF_ITEM_WINDOW) {
			unended += open;
			open = out = asleep = 0;
		}
		if (it.type != KDF_ITEM_EVENTS)
			continue;
		for (size_t i = 0; i < it.u.events.n; i++) {
			const struct kdf_event *e = &it.u.events.v[i];

			if ((e->type == KDF_EV_SYS_ENTER || e->type == KDF_EV_SYS_EXIT) &&
			    e->tid == tid && out) {
				ran_unseen++;
				out = 0;
			}
			if (e->type == KDF_EV_WAKEUP && e->tid == tid)
				asleep = 0;
			if (e->type != KDF_EV_SWITCH)
				continue;
			if ((e->flags & KDF_SW_NEXT_TARGET) && e->u.sw.next_tid == tid) {
				unwoken += asleep;
				open = out = asleep = 0;
			}
			if ((e->flags & KDF_SW_PREV_TARGET) && e->tid == tid) {
				out = 1;
				asleep = e->u.sw.prev_state != 0;
				unended += open;
				open = !next || e->u.sw.next_tid == next;
				outs += open;
			}
		}
	}
	kdf_reader_close(r);
	if (rc < 0) {
		fprintf(stderr, "kdf_switch_gaps: '%s' is damaged\n", argv[1]);
		return 65;
	}
	printf("switch_outs=%llu unended=%llu ran_unseen=%llu unwoken=%llu\n",
	       (unsigned long long)outs, (unsigned long long)unended,
	       (unsigned long long)ran_unseen, (unsigned long long)unwoken);
	return 0;
}
