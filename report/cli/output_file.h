/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * output_file.h - kdelay-report's -o FILE, replaced only when the output
 * is whole.  Every output (text, JSON, --info, the exports) is written to
 * a temporary file in FILE's folder, created exclusively and never through
 * a symbolic link, and renamed over FILE on success; on failure the
 * temporary file is removed and an existing FILE is left untouched.  So a
 * failed or refused run never costs the file that was there, and root
 * never writes through a link another user planted.
 */
#ifndef KDELAY_REPORT_OUTPUT_FILE_H
#define KDELAY_REPORT_OUTPUT_FILE_H

#include <stdio.h>
#include <sys/types.h>

struct kdr_output {
	FILE *f;	   /* where the report goes */
	char *path;	   /* FILE as given */
	char *tmp;	   /* the temporary name; NULL when written in place */
};

/*
 * Refuse FILE when it is the input (same device and inode, following
 * links: input_dev/input_ino, both 0 = no input file to protect), a
 * symbolic link, or a folder; then create the temporary file (mode
 * 0666 & ~umask).  A device or FIFO (/dev/null) is written in place:
 * there is nothing to replace.  Returns 0, or an EX_* code after one line
 * on err naming the program.
 */
int kdr_output_open(struct kdr_output *o, const char *path, dev_t input_dev, ino_t input_ino,
		    FILE *err);

/* Flush, sync and rename the temporary file over FILE.  0, or EX_IOERR
 * after one line on err (the temporary file is then removed). */
int kdr_output_commit(struct kdr_output *o, FILE *err);

/* Close and remove the temporary file; FILE stays as it was. */
void kdr_output_discard(struct kdr_output *o);

#endif /* KDELAY_REPORT_OUTPUT_FILE_H */
