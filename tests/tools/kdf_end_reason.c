// SPDX-License-Identifier: BSD-2-Clause
/*
 * kdf_end_reason CAPTURE - print the SUMMARY's end_reason ("-" when the
 * capture has none, "absent" when it has no summary), read with the
 * format library.  tests/e2e/71-record-hardening.sh builds and runs it,
 * to check the field the recorder writes independently of the report.
 */
#include <stdio.h>

#include "kdelay_format.h"

int main(int argc, char **argv)
{
	char reason[KDF_END_REASON_LEN] = "absent";
	struct kdf_reader *r;
	struct kdf_item it;
	char msg[256];
	int err, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: kdf_end_reason CAPTURE\n");
		return 64;
	}
	r = kdf_reader_open(argv[1], NULL, NULL, &err, msg, sizeof(msg));
	if (!r) {
		fprintf(stderr, "kdf_end_reason: %s\n", msg);
		return 65;
	}
	while ((rc = kdf_reader_next(r, &it)) > 0)
		if (it.type == KDF_ITEM_SUMMARY)
			snprintf(reason, sizeof(reason), "%s",
				 it.u.summary.end_reason[0] ? it.u.summary.end_reason : "-");
	printf("%s\n", rc < 0 ? "unreadable" : reason);
	kdf_reader_close(r);
	return rc < 0 ? 65 : 0;
}
