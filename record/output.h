/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * output.h - where the capture goes, safely on a shared machine.
 *
 * -o FILE: the capture is created beside FILE under a temporary name
 * ("FILE.partial-XXXXXX", exclusively, mode 0600), and once its header is
 * written an existing FILE becomes FILE.old and the capture is renamed to
 * FILE.  rename() never follows a symbolic link, and FILE itself is never
 * opened: a link planted at FILE cannot make the recorder write through
 * it.  A FILE that is a symbolic link (dangling or not) or not a regular
 * file is refused, as a link may be a user's own choice that silently
 * replacing would undo.  The rename happens before the first event, so a
 * recorder killed with SIGKILL leaves its capture under FILE; only a kill
 * in the few microseconds between creating and renaming it can leave a
 * FILE.partial-XXXXXX behind.
 *
 * -o -: the capture streams to standard output (a file or a pipe);
 * kdelay-record's main() hands it over as fd and points its own standard
 * output to stderr, for a COMMAND's output not to mix with the capture.
 *
 * kdelay's own temporary capture has no name at all (O_TMPFILE, or
 * unlinked right after mkstemp()), so nothing outlives the process, not
 * even after SIGKILL; it is read back through /proc/self/fd/N.
 */
#ifndef KD_OUTPUT_H
#define KD_OUTPUT_H

#include <stdio.h>

struct kdf_meta;
struct kdf_writer;

/*
 * Open the writer for path ("-" = standard output; fd >= 0: write to a
 * dup of fd, kdelay's temporary capture), write the header and meta and,
 * for a FILE, put the capture in place as above.  Returns 0 or a
 * <sysexits.h> status after printing one line on err.
 */
int output__open(const char *path, int fd, const struct kdf_meta *meta, struct kdf_writer **w,
		 FILE *err);

/*
 * kdelay: create a nameless temporary capture in dir, mode 0600.
 * Returns its fd (read-write) or -1 with errno set.
 */
int output__anonymous(const char *dir);

#endif /* KD_OUTPUT_H */
