# report/: kdelay-report.  REPORT_SRCS go into libkdreport.a (unit tests
# link it); REPORT_MAIN holds main().
REPORT_SRCS := report/report.c report/stats.c report/hashidx.c report/threads.c \
	report/symbols.c report/walltime.c report/filter.c report/view.c \
	report/text.c report/json.c report/json_out.c report/info.c
REPORT_MAIN := report/main.c
