/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * recorder.h - the recorder as a library: kdelay-record's main() and the
 * kdelay drop-in share it.
 *
 *	struct kd_opts o;
 *	if ((rc = options__parse(&o, KD_PROG_RECORD, argc, argv, stderr)))
 *		return rc < 0 ? 0 : rc;
 *	return kd_record_run(&o, NULL);
 */
#ifndef KD_RECORDER_H
#define KD_RECORDER_H

#include "kdelay_format.h"
#include "options.h"

struct kd_record_hooks {
	/*
	 * Called once each window chunk (kept or skipped) is flushed to
	 * path, so a reader may render it; a non-zero return stops the
	 * recording (with that exit status).
	 */
	int (*on_window)(void *ctx, const char *path, const struct kdf_window *win);
	void *ctx;
	/* The hook prints "# Stop sampling ..." (the report does, in kdelay). */
	int hook_prints_stop;
};

/* Exit reasons in the summary (struct kdf_summary.exit_reason). */
enum kd_exit_reason {
	KD_EXIT_DONE = 0,
	KD_EXIT_SIGNAL = 1,
	KD_EXIT_TARGET = 2,
	KD_EXIT_ERROR = 3,
};

/*
 * Record as o says into o->output.  Prints progress (stdout) and errors
 * (stderr, one line each, starting with the program's name) itself.
 * Returns the exit status: 0, or a <sysexits.h> code (EX_NOPERM not root,
 * EX_UNAVAILABLE/EX_NOINPUT no target, EX_CONFIG bad trigger, EX_OSERR
 * BPF failures, EX_CANTCREAT output file, EX_IOERR write error).  With a
 * COMMAND that has ended, a recording that succeeded returns the
 * command's exit code instead (128 + signal when a signal killed it), as
 * perf record does.
 */
int kd_record_run(const struct kd_opts *o, const struct kd_record_hooks *hooks);

#endif /* KD_RECORDER_H */
