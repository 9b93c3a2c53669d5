# report/export.mk - the visual exports of issue 7 (docs/export.md).
# The top Makefile includes this file and appends EXPORT_SRCS to the report
# library; kdelay-report's --export chrome-json, --html and --folded call
# the functions of report/export.h.
EXPORT_SRCS := report/export_common.c report/export_timeline.c report/export_symbols.c \
	report/export_json.c report/export_chrome.c report/export_folded.c
