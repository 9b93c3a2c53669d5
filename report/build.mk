# report/: kdelay-report.  REPORT_SRCS go into libkdreport.a (unit tests
# link it); REPORT_MAIN holds main().
REPORT_SRCS :=
REPORT_MAIN :=
