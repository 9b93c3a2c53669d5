// SPDX-License-Identifier: BSD-2-Clause
/*
 * tsc-khz.c - print this machine's TSC frequency in kHz, measured against
 * CLOCK_MONOTONIC_RAW, for tests/vm/run.sh to hand to its guests
 * (tsc_early_khz=).  Under qemu's TCG a guest's TSC is the host's, but the
 * guest's own calibration at boot, against an emulated PIT or HPET, can be
 * far off when the host is busy; the guest's clocks then run at the wrong
 * rate for the whole run and every timeout inside it with them.
 *
 * Each end of the measurement is the (clock, TSC, clock) triple with the
 * tightest pair of clock reads out of many, so that a preemption between
 * the reads cannot skew it; three measurements of 200 ms, the median.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A TSC reading and the clock time it was taken at (within the tightest
 * bracket of 1000 tries). */
static void sample(uint64_t *ns, uint64_t *tsc)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 1000; i++) {
		uint64_t a = mono_ns();
		uint64_t t = __rdtsc();
		uint64_t b = mono_ns();

		if (b - a < best) {
			best = b - a;
			*ns = a + (b - a) / 2;
			*tsc = t;
		}
	}
}

static double measure_khz(void)
{
	uint64_t ns0, tsc0, ns1, tsc1;
	struct timespec pause = { 0, 200000000 };

	sample(&ns0, &tsc0);
	nanosleep(&pause, NULL);
	sample(&ns1, &tsc1);
	return (double)(tsc1 - tsc0) * 1e6 / (double)(ns1 - ns0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	double khz[3];

	for (int i = 0; i < 3; i++)
		khz[i] = measure_khz();
	qsort(khz, 3, sizeof(khz[0]), cmp);
	if (!(khz[1] > 100000 && khz[1] < 10000000)) {
		fprintf(stderr, "tsc-khz: measured %.0f kHz, not a TSC frequency; is the TSC stable here?\n", khz[1]);
		return 69; /* EX_UNAVAILABLE */
	}
	printf("%.0f\n", khz[1]);
	return 0;
}
