// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdf_order CAPTURE - print "events=N backward=B max_back_ns=M cpus=C":
 * the events of the capture, how many of them have an earlier timestamp
 * than the event before them in the file and by how much at most, and
 * how many CPUs its syscall events came from; read with
 * the format library.  tests/e2e/77-staging.sh builds and runs it, to
 * check that events staged per CPU reach the file in time order.
 */
#include <stdint.h>
#include <stdio.h>

#include "kdelay_format.h"

int main(int argc, char **argv)
{
	uint64_t events = 0, backward = 0, max_back = 0, last = 0;
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
			if ((ev->type == KDF_EV_SYS_ENTER || ev->type == KDF_EV_SYS_EXIT) && !seen[ev->cpu]) {
				seen[ev->cpu] = 1;
				cpus++;
			}
		}
	}
	kdf_reader_close(r);
	if (rc < 0) {
		fprintf(stderr, "kdf_order: %s: unreadable\n", argv[1]);
		return 65;
	}
	printf("events=%llu backward=%llu max_back_ns=%llu cpus=%u\n", (unsigned long long)events,
	       (unsigned long long)backward, (unsigned long long)max_back, cpus);
	return 0;
}
