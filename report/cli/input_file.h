/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * input_file.h - kdelay-report's -i FILE, opened before any output exists
 * (a missing input never costs an output).  The reader needs a regular
 * file (it uses pread, and the exports read it twice), so standard input
 * ("-") and FIFOs that are pipes are first copied to an unlinked temporary
 * file in $TMPDIR (or /tmp), which then becomes standard input, and the
 * reader is given "-".  A FIFO is opened without blocking, so a FIFO
 * nobody writes reads as empty instead of hanging.
 */
#ifndef KDELAY_REPORT_INPUT_FILE_H
#define KDELAY_REPORT_INPUT_FILE_H

#include <stdio.h>
#include <sys/types.h>

struct kdr_input {
	const char *path; /* what to give the reader: FILE, or "-" */
	dev_t dev;	  /* identity of FILE, to refuse it as -o; */
	ino_t ino;	  /* both 0 for a copy of a pipe */
	int fd;		  /* FILE held open meanwhile; -1 when none */
};

/* 0, or an EX_* code after one line on err naming the program. */
int kdr_input_open(struct kdr_input *in, const char *path, FILE *err);
void kdr_input_close(struct kdr_input *in);

#endif /* KDELAY_REPORT_INPUT_FILE_H */
