// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdelay - drop-in for Open vSwitch's kernel_delay.py.
 *
 * Same options, same output (unless asked for more: --budget, --wakers,
 * --culprits and --census add kdelay-report's tables): it records with the recorder library into a
 * capture file (a nameless temporary one, or -o FILE which is kept) and, right
 * after each sample window closed, prints that window's report with the
 * report library, which reads on from where the previous window ended.  "# Start sampling" lines are printed live by the
 * recorder; the report prints "# Stop sampling" and the dump.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "kdelay_format.h"
#include "options.h"
#include "output.h"
#include "recorder.h"
#include "report.h"
#include "status.h"

struct dropin {
	const struct kd_opts *o;
	struct kdr_follow *follow; /* the report, reading on window after window */
	int report_rc; /* first non-zero status of the report */
	int windows;   /* windows printed */
};

static int print_window(void *ctx, const char *path, const struct kdf_window *win)
{
	struct dropin *d = ctx;
	int rc;

	/* Opened at the first window: the capture's header is written by then. */
	if (!d->follow) {
		struct kdr_options ro;

		kdr_options_init(&ro);
		ro.sections = KDR_SEC_STOP | KDR_SEC_DUMP;
		ro.prog = "kdelay";
		ro.budget = d->o->report_budget;
		ro.wakers = d->o->report_wakers;
		ro.culprits = d->o->report_culprits;
		ro.census = d->o->report_census;
		d->follow = kdr_follow_open(path, &ro, stderr);
	}
	rc = d->follow ? kdr_follow_window(d->follow, win->index, stdout, stderr) : EX_OSERR;
	fflush(stdout);
	d->windows++;
	if (rc && !d->report_rc)
		d->report_rc = rc;
	/* A window the report cannot render is said on stderr; go on recording. */
	return 0;
}

static void print_footer(const char *path)
{
	struct kdr_options ro;

	kdr_options_init(&ro);
	ro.window = -1;
	ro.sections = KDR_SEC_FOOTER;
	ro.prog = "kdelay";
	kdr_report_file(path, &ro, stdout, stderr);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct kd_record_hooks hooks = { 0 };
	struct dropin d = { 0 };
	char path[64];
	struct kd_opts o;
	int rc, fd = -1;

	rc = options__parse(&o, KD_PROG_KDELAY, argc, argv, stderr);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!o.output) {
		const char *dir = getenv("TMPDIR");

		if (!dir || !*dir)
			dir = "/tmp";
		/* Nameless: gone with the process, even after SIGKILL.  The
		 * report reads it back through /proc/self/fd/N. */
		fd = output__anonymous(dir);
		if (fd < 0) {
			status__error(stderr, "Cannot create a temporary capture file in %s: %s", dir,
				      strerror(errno));
			return EX_CANTCREAT;
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		o.output = path;
		o.output_fd = fd;
	}
	d.o = &o;
	hooks.on_window = print_window;
	hooks.ctx = &d;
	hooks.hook_prints_stop = 1;
	rc = kd_record_run(&o, &hooks);
	kdr_follow_close(d.follow);
	/* The end-of-capture warnings, once something was recorded (a setup
	 * error leaves an empty file and its own message). */
	if (d.windows)
		print_footer(o.output);
	if (fd >= 0)
		close(fd);
	/* How much of its capture kdelay read back: about its size once,
	 * whatever the number of windows (tests/e2e/42-kdelay-linear.sh). */
	if (getenv("KDELAY_DEBUG_READ_BYTES"))
		fprintf(stderr, "kdelay: read %" PRIu64 " bytes of the capture\n", kdf_bytes_read());
	/* A window the report could not render (status > 1: not the
	 * "incomplete capture" warning of a file still being written). */
	if (!rc && d.report_rc > 1)
		rc = d.report_rc;
	return rc;
}
