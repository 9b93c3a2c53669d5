// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdelay-record - stream the delay events of one process into a capture.
 * See docs/kdelay-record.1.
 */
#include <fcntl.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "options.h"
#include "recorder.h"
#include "status.h"

int main(int argc, char **argv)
{
	struct kd_opts o;
	int rc;

	rc = options__parse(&o, KD_PROG_RECORD, argc, argv, stderr);
	if (rc)
		return rc < 0 ? 0 : rc;
	/* -o -: the capture takes standard output over; whatever else would
	 * go there (a COMMAND's own output, inherited) goes to stderr. */
	if (!strcmp(o.output, KD_OUTPUT_STDOUT)) {
		o.output_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (o.output_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
			status__error(stderr, "Cannot write the capture to standard output: %m");
			return EX_CANTCREAT;
		}
	}
	return kd_record_run(&o, NULL);
}
