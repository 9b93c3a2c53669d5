// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdf_switch_gaps CAPTURE TID [NEXT] - print "switch_outs=N unended=U":
 * how many times the capture switches TID out (in favour of NEXT only,
 * when given), and how many of those the capture never sees end: no
 * switch-in of TID comes before its next switch-out or the end of the
 * window.  Read with the format library.
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
	uint64_t outs = 0, unended = 0;
	int open = 0; /* a counted switch-out of tid not yet seen to end */
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
			open = 0;
		}
		if (it.type != KDF_ITEM_EVENTS)
			continue;
		for (size_t i = 0; i < it.u.events.n; i++) {
			const struct kdf_event *e = &it.u.events.v[i];

			if (e->type != KDF_EV_SWITCH)
				continue;
			if ((e->flags & KDF_SW_NEXT_TARGET) && e->u.sw.next_tid == tid)
				open = 0;
			if ((e->flags & KDF_SW_PREV_TARGET) && e->tid == tid) {
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
	printf("switch_outs=%llu unended=%llu\n", (unsigned long long)outs,
	       (unsigned long long)unended);
	return 0;
}
