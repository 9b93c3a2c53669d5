// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - kdelay-report: command line -> struct kdr_options ->
 * kdr_report_file().  See docs/kdelay-report.1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "diff.h"
#include "export.h"
#include "filter.h"
#include "report.h"

#define MAX_TIDS 1024

static const char usage_text[] =
	"Usage: kdelay-report [-i FILE] [OPTIONS]\n"
	"       kdelay-report diff BASE NEW [--json] [--fail-if EXPR]...\n"
	"Report a kdelay capture as kernel_delay.py did on the live host, or\n"
	"compare two captures thread role by role (docs/diff.md).\n"
	"\n"
	"  -i, --input FILE              capture to read (default kdelay.data)\n"
	"      --json                    JSON output (docs/json-schema.md)\n"
	"      --info                    describe the capture instead\n"
	"      --tid TID                 only this thread (repeatable)\n"
	"      --thread REGEX            only threads whose name matches (POSIX ERE)\n"
	"      --syscall NAME            only this syscall (name or number)\n"
	"      --time-range START,END    only [START, END] seconds after the capture\n"
	"                                started (either side may be empty)\n"
	"      --window N                only window N (0 = the first)\n"
	"      --trigger-delta NS        skip windows whose trigger delta < NS\n"
	"  -s, --syscall-events [NS]     list syscalls longer than NS ns (0 = all)\n"
	"      --no-syscall-events       list no syscall events\n"
	"      --skip-syscall-poll-events  do not list poll()\n"
	"      --histogram               percentiles and a log2 histogram of every\n"
	"                                syscall, run, ready and irq row\n"
	"      --budget                  each thread's window split into running,\n"
	"                                ready, blocked in syscalls, irqs, other\n"
	"      --export FORMAT           chrome-json (Perfetto), html or folded\n"
	"                                (flame graphs) instead; see docs/export.md\n"
	"      --html, --folded          --export html, --export folded\n"
	"  -o, --output FILE             write to FILE instead of stdout\n"
	"  -h, --help                    this help\n"
	"\n"
	"Exit status: 0 complete, 1 report printed but the capture is incomplete\n"
	"(truncated, unclosed, corrupt chunks), 64 usage, 65 not a capture or\n"
	"unreadable, 66 cannot open FILE, 71 out of memory, 73 cannot create\n"
	"the output, 74 I/O error.\n"
	"\n"
	"Examples:\n"
	"  kdelay-report -i node1.data\n"
	"  kdelay-report -i node1.data --thread '^revalidator' --syscall-events 50000\n"
	"  kdelay-report -i node1.data --json --time-range 2,3.5 > slice.json\n"
	"  kdelay-report -i node1.data --budget --histogram --thread '^handler'\n";

enum {
	OPT_JSON = 256,
	OPT_INFO,
	OPT_TID,
	OPT_THREAD,
	OPT_SYSCALL,
	OPT_TIME_RANGE,
	OPT_WINDOW,
	OPT_TRIGGER_DELTA,
	OPT_NO_SYSCALL_EVENTS,
	OPT_SKIP_POLL,
	OPT_EXPORT,
	OPT_HTML,
	OPT_FOLDED,
	OPT_HISTOGRAM,
	OPT_BUDGET,
};

enum export_kind { EXPORT_NONE, EXPORT_CHROME, EXPORT_HTML, EXPORT_FOLDED };

static const struct option long_opts[] = {
	{ "input", required_argument, NULL, 'i' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "info", no_argument, NULL, OPT_INFO },
	{ "tid", required_argument, NULL, OPT_TID },
	{ "thread", required_argument, NULL, OPT_THREAD },
	{ "syscall", required_argument, NULL, OPT_SYSCALL },
	{ "time-range", required_argument, NULL, OPT_TIME_RANGE },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "trigger-delta", required_argument, NULL, OPT_TRIGGER_DELTA },
	{ "syscall-events", optional_argument, NULL, 's' },
	{ "no-syscall-events", no_argument, NULL, OPT_NO_SYSCALL_EVENTS },
	{ "skip-syscall-poll-events", no_argument, NULL, OPT_SKIP_POLL },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "html", no_argument, NULL, OPT_HTML },
	{ "folded", no_argument, NULL, OPT_FOLDED },
	{ "histogram", no_argument, NULL, OPT_HISTOGRAM },
	{ "budget", no_argument, NULL, OPT_BUDGET },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A non-negative decimal integer that fits max; 0 or -1. */
static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

static int bad(const char *opt, const char *arg)
{
	fprintf(stderr, "kdelay-report: invalid %s '%s'\n", opt, arg ? arg : "");
	fprintf(stderr, "Try 'kdelay-report --help'.\n");
	return EX_USAGE;
}

static int run_export(enum export_kind kind, const char *input, const struct kdr_options *o,
		      FILE *out)
{
	struct kdr_export_opts eo;

	kdr_export_opts_from_report(&eo, o, out, stderr);
	switch (kind) {
	case EXPORT_CHROME:
		return kdr_export_chrome_json(input, &eo);
	case EXPORT_HTML:
		return kdr_export_html(input, &eo);
	default:
		return kdr_export_folded(input, &eo);
	}
}

int main(int argc, char **argv)
{
	static uint32_t tids[MAX_TIDS];
	enum export_kind export = EXPORT_NONE;
	struct kdr_options o;
	const char *input = NULL, *output = NULL;
	FILE *out = stdout;
	uint64_t v;
	int c, rc;

	/* Subcommand: compare two captures (report/diff.h). */
	if (argc > 1 && !strcmp(argv[1], "diff"))
		return kdr_diff_main(argc - 1, argv + 1, stdout, stderr);

	kdr_options_init(&o);
	while ((c = getopt_long(argc, argv, "i:s::o:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case OPT_JSON:
			o.format = KDR_FMT_JSON;
			break;
		case OPT_INFO:
			o.info = 1;
			break;
		case OPT_TID:
			if (parse_u64(optarg, UINT32_MAX, &v))
				return bad("--tid", optarg);
			if (o.ntids == MAX_TIDS) {
				fprintf(stderr, "kdelay-report: at most %d --tid\n", MAX_TIDS);
				return EX_USAGE;
			}
			tids[o.ntids++] = (uint32_t)v;
			o.tids = tids;
			break;
		case OPT_THREAD:
			o.thread_regex = optarg;
			break;
		case OPT_SYSCALL:
			o.syscall = optarg;
			break;
		case OPT_TIME_RANGE:
			if (kdr_parse_time_range(optarg, &o.time_start_s, &o.time_end_s))
				return bad("--time-range (START,END in seconds)", optarg);
			o.has_time_range = 1;
			break;
		case OPT_WINDOW:
			if (parse_u64(optarg, INT64_MAX, &v))
				return bad("--window", optarg);
			o.window = (int64_t)v;
			break;
		case OPT_TRIGGER_DELTA:
			if (parse_u64(optarg, INT64_MAX, &v))
				return bad("--trigger-delta", optarg);
			o.trigger_delta_ns = (int64_t)v;
			break;
		case 's':
			/* like argparse's nargs='?': "-s 500" and "-s" both work */
			if (!optarg && optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
				optarg = argv[optind++];
			v = 0;
			if (optarg && parse_u64(optarg, INT64_MAX, &v))
				return bad("--syscall-events", optarg);
			o.syscall_events_ns = (int64_t)v;
			break;
		case OPT_NO_SYSCALL_EVENTS:
			o.syscall_events_ns = KDR_SYSCALL_EVENTS_OFF;
			break;
		case OPT_SKIP_POLL:
			o.skip_syscall_poll_events = 1;
			break;
		case OPT_HISTOGRAM:
			o.histograms = 1;
			break;
		case OPT_BUDGET:
			o.budget = 1;
			break;
		case OPT_EXPORT:
			if (!strcmp(optarg, "chrome-json"))
				export = EXPORT_CHROME;
			else if (!strcmp(optarg, "html"))
				export = EXPORT_HTML;
			else if (!strcmp(optarg, "folded"))
				export = EXPORT_FOLDED;
			else
				return bad("--export (chrome-json, html or folded)", optarg);
			break;
		case OPT_HTML:
			export = EXPORT_HTML;
			break;
		case OPT_FOLDED:
			export = EXPORT_FOLDED;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'kdelay-report --help'.\n");
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kdelay-report: unexpected argument '%s'\n", argv[optind]);
		return EX_USAGE;
	}
	if (export && (o.info || o.format == KDR_FMT_JSON)) {
		fprintf(stderr, "kdelay-report: --export goes with neither --info nor --json\n");
		return EX_USAGE;
	}
	if (output && !(out = fopen(output, "w"))) {
		fprintf(stderr, "kdelay-report: cannot create %s: %s\n", output, strerror(errno));
		return EX_CANTCREAT;
	}
	if (export)
		rc = run_export(export, input ? input : "kdelay.data", &o, out);
	else
		rc = kdr_report_file(input, &o, out, stderr);
	if (out != stdout && fclose(out) && !rc) {
		fprintf(stderr, "kdelay-report: writing %s: %s\n", output, strerror(errno));
		rc = EX_IOERR;
	}
	return rc;
}
