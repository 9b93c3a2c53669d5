/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diff.h - `kdelay-report diff BASE NEW [--json] [--fail-if EXPR]...`:
 * compares two captures role by role (threads matched by name without
 * their numeric suffix) and syscall by syscall.  docs/diff.md is the
 * user's guide: the table, the JSON schema, the --fail-if grammar.
 *
 * Portable C11 like the rest of the report: no <linux/...>, no libbpf.
 */
#ifndef KDR_DIFF_H
#define KDR_DIFF_H

#include <stdio.h>

/*
 * Exit statuses of kdr_diff_main():
 *   0                       compared; no --fail-if threshold crossed
 *   KDR_DIFF_EXIT_CROSSED   compared; at least one threshold crossed (every
 *                           crossing is listed in the output, a count on err)
 *   KDR_DIFF_EXIT_NO_WINDOW a capture has no complete sample window: nothing
 *                           was compared or printed (one line on err)
 *   EX_USAGE (64)           bad arguments or a bad --fail-if expression
 *   EX_DATAERR (65)         a capture is not a capture, too new, unreadable
 *   EX_NOINPUT (66)         a capture cannot be opened
 *   EX_OSERR (71)           out of memory
 *   EX_IOERR (74)           writing the output failed
 * An incomplete capture (truncated, unclosed, corrupt chunks) is compared
 * with what it holds and only warned about: the status stays that of the
 * thresholds, so that a CI job fails for regressions, not for a recorder
 * killed at the end of a run.
 */
#define KDR_DIFF_EXIT_CROSSED 1
#define KDR_DIFF_EXIT_NO_WINDOW 3

/*
 * argv[0] is "diff" (the subcommand); argv[1..] its arguments.  Writes the
 * comparison to out, warnings and errors (one line each, prefixed
 * "kdelay-report: diff: ") to err (NULL: stdout, stderr).  Returns a
 * status above.  Wiring, in kdelay-report's main() before its options:
 *	if (argc > 1 && !strcmp(argv[1], "diff"))
 *		return kdr_diff_main(argc - 1, argv + 1, stdout, stderr);
 */
int kdr_diff_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* KDR_DIFF_H */
