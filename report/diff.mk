# report/diff.mk - issue 8's latency histogram and `kdelay-report diff`
# (docs/diff.md).  The top Makefile includes this file and appends
# DIFF_SRCS to the report library; report/main.c calls kdr_diff_main().
DIFF_SRCS := report/hist.c report/diff.c report/diff_load.c report/diff_expr.c report/diff_out.c
