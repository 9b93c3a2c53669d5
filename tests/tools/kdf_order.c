// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdf_order CAPTURE - print "events=N backward=B max_back_ns=M cpus=C
 * sys_backward=SB sys_max_back_ns=SM": the events of the capture, how many
 * of them have an earlier timestamp than the event before them in the file
 * and by how much at most, how many CPUs its syscall events came from, and
 * the same two counts among the syscall events alone (each against the
 * syscall event before it); read with the format library.  tests/e2e/77-staging.sh builds and runs it, to
 * check that events staged per CPU reach the file in time order.
 */
#include <stdint.h>
#include <stdio.h>

#include "kdelay_format.h"

int main(int argc, char **argv)
{
	uint64_t events = 0, backward = 0, max_back = 0, last = 0;
	uint64_t sys_events = 0, sys_backward = 0, sys_max_back = 0, sys_last = 0;
	static unsigned char seen[65536];
	unsigned int cpus = 0;
	struct kdf_reader *r;
	struct kdf_item it;
	char msg[256];
	int err, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: kdf_order CAPTURE\n");
		return 64;
	}
	r = kdf_reader_open(argv[1], NULL, NULL, &err, msg, sizeof(msg));
	if (!r) {
		fprintf(stderr, "kdf_order: %s\n", msg);
		return 65;
	}
	while ((rc = kdf_reader_next(r, &it)) > 0) {
		if (it.type != KDF_ITEM_EVENTS)
			continue;
		for (size_t i = 0; i < it.u.events.n; i++) {
			const struct kdf_event *ev = &it.u.events.v[i];

			if (events++ && ev->ts < last) {
				backward++;
				if (last - ev->ts > max_back)
					max_back = last - ev->ts;
			}
			last = ev->ts;
			if (ev->type != KDF_EV_SYS_ENTER && ev->type != KDF_EV_SYS_EXIT)
				continue;
			if (!seen[ev->cpu]) {
				seen[ev->cpu] = 1;
				cpus++;
			}
			if (sys_events++ && ev->ts < sys_last) {
				sys_backward++;
				if (sys_last - ev->ts > sys_max_back)
					sys_max_back = sys_last - ev->ts;
			}
			sys_last = ev->ts;
		}
	}
	kdf_reader_close(r);
	if (rc < 0) {
		fprintf(stderr, "kdf_order: %s: unreadable\n", argv[1]);
		return 65;
	}
	printf("events=%llu backward=%llu max_back_ns=%llu cpus=%u sys_backward=%llu "
	       "sys_max_back_ns=%llu\n",
	       (unsigned long long)events, (unsigned long long)backward,
	       (unsigned long long)max_back, cpus, (unsigned long long)sys_backward,
	       (unsigned long long)sys_max_back);
	return 0;
}
