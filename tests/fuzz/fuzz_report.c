// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_report.c - libFuzzer target for the whole report path (reader,
 * pairing, views, text, JSON, --info), not only the format reader:
 * `make fuzz-report` (FUZZ_SECONDS).  A test, not part of the report.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct kdr_options o;

	if (!null)
		null = fopen("/dev/null", "w");
	kdr_options_init(&o);
	o.syscall_events_ns = 0;
	/* the first byte picks the output, so all of them are exercised */
	if (size && (data[0] & 3) == 1)
		o.format = KDR_FMT_JSON;
	else if (size && (data[0] & 3) == 2)
		o.info = 1;
	else if (size && (data[0] & 3) == 3)
		o.window = data[0] >> 2;
	/* and the second whether --histogram and --budget are on */
	if (size > 1 && (data[1] & 1)) {
		o.histograms = 1;
		o.budget = 1;
		o.wakers = 1;
		o.culprits = 1;
		o.census = 1;
	}
	kdr_report_mem(data, size, &o, null, null);
	return 0;
}
