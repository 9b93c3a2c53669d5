// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdelay-record - stream the delay events of one process into a capture.
 * See docs/kdelay-record.1.
 */
#include "options.h"
#include "recorder.h"

int main(int argc, char **argv)
{
	struct kd_opts o;
	int rc;

	rc = options__parse(&o, KD_PROG_RECORD, argc, argv, stderr);
	if (rc)
		return rc < 0 ? 0 : rc;
	return kd_record_run(&o, NULL);
}
