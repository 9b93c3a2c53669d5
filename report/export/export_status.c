// SPDX-License-Identifier: BSD-2-Clause
/*
 * export_status.c - how an export says what went wrong, and the exit
 * status of a finished one (export_internal.h).  Apart from the passes
 * (export_common.c opens the capture, export_pass1.c reads it first),
 * which both report through it.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sysexits.h>

#include "capture_end.h"
#include "export_internal.h"
#include "report_options.h"

int kdr_export_fail(struct kdr_export *x, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(x->err, "kdelay-report: %s: ", x->what);
	va_start(ap, fmt);
	vfprintf(x->err, fmt, ap);
	va_end(ap);
	fputc('\n', x->err);
	return code;
}

int kdr_export_finish_output(struct kdr_export *x)
{
	FILE *f = x->opts->out;
	const char *why = NULL;
	enum kdr_end end = kdr_capture_end(x->has_summary, &x->summary, x->stats.truncated);

	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		return kdr_export_fail(x, EX_IOERR, "writing the output failed: %s",
				       errno ? strerror(errno) : "I/O error");
	/* Same contract as kdr_report_file(): complete output of what could
	 * be read, and a distinct status so scripts notice the gap. */
	if (x->read_error)
		why = "a chunk could not be read";
	else if (x->stats.truncated)
		why = "the file is truncated";
	else if (x->stats.chunks_bad)
		why = "corrupt chunks were skipped";
	else if (!x->has_summary)
		why = "it has no summary (the recorder did not close it)";
	else if (kdr_end_lost(end))
		why = kdr_end_text(end);
	else if (x->nwindows && (x->windows[x->nwindows - 1].flags & KDR_WIN_UNCLOSED))
		why = "its last window never closed";
	if (why)
		return kdr_export_fail(x, KDR_EXIT_INCOMPLETE,
				       "warning: capture incomplete: %s; exported what precedes it",
				       why);
	return EX_OK;
}
