# report/diff/diff.mk - `kdelay-report diff`
# (docs/diff.md).  The top Makefile includes this file and appends
# DIFF_SRCS to the report library; report/cli/main.c calls kdr_diff_main().
DIFF_SRCS := report/diff/diff.c report/diff/diff_load.c report/diff/diff_expr.c \
	report/diff/diff_out.c
