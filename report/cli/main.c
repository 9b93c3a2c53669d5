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
#include "export_tables.h"
#include "filter.h"
#include "input_file.h"
#include "output_file.h"
#include "report.h"

#define MAX_TIDS 1024
#define MAX_INPUTS 4096 /* -i given this often; more: name their folder */

static const char usage_text[] =
	"Usage: kdelay-report [-i FILE] [OPTIONS]\n"
	"       kdelay-report diff BASE NEW [--json] [--fail-if EXPR]...\n"
	"Report a kdelay capture as kernel_delay.py did on the live host, or\n"
	"compare two captures thread role by role (docs/diff.md).\n"
	"\n"
	"  -i, --input FILE              capture to read (default kdelay.data; - for\n"
	"                                standard input, a pipe works); with --export\n"
	"                                tables, repeatable, and FILE may be a folder\n"
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
	"                                ready, blocked in syscalls, irqs, other;\n"
	"                                the threads with no event included\n"
	"      --wakers                  each thread's blocked time split by syscall\n"
	"                                and by the task that woke it\n"
	"      --culprits                each thread's ready time split by the task\n"
	"                                that ran on its CPU meanwhile\n"
	"      --census                  the threads that made no event in a window,\n"
	"                                as /proc showed them at its start and end\n"
	"      --export FORMAT           chrome-json (Perfetto), html or folded\n"
	"                                (flame graphs) instead; see docs/export.md;\n"
	"                                or tables: CSV tables in the folder -o DIR for\n"
	"                                DuckDB, Spark, Trino (docs/tables.md)\n"
	"      --intervals               --export tables: every interval too\n"
	"      --html, --folded          --export html, --export folded\n"
	"  -o, --output FILE             write to FILE instead of stdout (replaced\n"
	"                                only when the output is complete)\n"
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
	OPT_WAKERS,
	OPT_CULPRITS,
	OPT_CENSUS,
	OPT_INTERVALS,
};

enum export_kind { EXPORT_NONE, EXPORT_CHROME, EXPORT_HTML, EXPORT_FOLDED, EXPORT_TABLES };
static const char *const export_option[] = {
	[EXPORT_CHROME] = "--export chrome-json",
	[EXPORT_HTML] = "--html",
	[EXPORT_FOLDED] = "--folded",
	[EXPORT_TABLES] = "--export tables",
};

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
	{ "wakers", no_argument, NULL, OPT_WAKERS },
	{ "culprits", no_argument, NULL, OPT_CULPRITS },
	{ "census", no_argument, NULL, OPT_CENSUS },
	{ "intervals", no_argument, NULL, OPT_INTERVALS },
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
	fprintf(stderr, "kdelay-report: invalid %s '%s' (see kdelay-report --help)\n", opt,
		arg ? arg : "");
	return EX_USAGE;
}

/* What getopt_long() refused, said in one line naming the program (its
 * own messages carry argv[0], the full path of the binary). */
static int bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		fprintf(stderr, "kdelay-report: option '%s' needs an argument (see kdelay-report --help)\n",
			arg);
	else if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
		fprintf(stderr, "kdelay-report: unknown option '-%c' (see kdelay-report --help)\n",
			optopt);
	else
		fprintf(stderr, "kdelay-report: unknown option '%s' (see kdelay-report --help)\n", arg);
	return EX_USAGE;
}

/* The kind of output chosen, once: a second, different one is refused
 * rather than silently winning. */
static int choose_output(const char **chosen, const char *opt)
{
	if (*chosen && strcmp(*chosen, opt)) {
		fprintf(stderr, "kdelay-report: %s and %s are different outputs; choose one\n",
			*chosen, opt);
		return EX_USAGE;
	}
	*chosen = opt;
	return 0;
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
	static const char *inputs[MAX_INPUTS];
	size_t ninputs = 0;
	int intervals = 0;
	enum export_kind export = EXPORT_NONE;
	const char *output_kind = NULL;
	struct kdr_options o;
	struct kdr_input in;
	struct kdr_output out_file = { 0 };
	const char *input = "kdelay.data", *output = NULL;
	FILE *out = stdout;
	uint64_t v;
	int c, rc;

	/* Subcommand: compare two captures (report/diff.h). */
	if (argc > 1 && !strcmp(argv[1], "diff"))
		return kdr_diff_main(argc - 1, argv + 1, stdout, stderr);

	kdr_options_init(&o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:s::o:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (ninputs == MAX_INPUTS) {
				fprintf(stderr, "kdelay-report: at most %d -i; name their folder\n",
					MAX_INPUTS);
				return EX_USAGE;
			}
			input = inputs[ninputs++] = optarg;
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
		case OPT_WAKERS:
			o.wakers = 1;
			break;
		case OPT_CULPRITS:
			o.culprits = 1;
			break;
		case OPT_CENSUS:
			o.census = 1;
			break;
		case OPT_INTERVALS:
			intervals = 1;
			break;
		case OPT_EXPORT:
			if (!strcmp(optarg, "chrome-json"))
				export = EXPORT_CHROME;
			else if (!strcmp(optarg, "html"))
				export = EXPORT_HTML;
			else if (!strcmp(optarg, "folded"))
				export = EXPORT_FOLDED;
			else if (!strcmp(optarg, "tables"))
				export = EXPORT_TABLES;
			else
				return bad("--export (chrome-json, html, folded or tables)", optarg);
			if (choose_output(&output_kind, export_option[export]))
				return EX_USAGE;
			break;
		case OPT_HTML:
			export = EXPORT_HTML;
			if (choose_output(&output_kind, export_option[export]))
				return EX_USAGE;
			break;
		case OPT_FOLDED:
			export = EXPORT_FOLDED;
			if (choose_output(&output_kind, export_option[export]))
				return EX_USAGE;
			break;
		case 'o':
			/* "-" is standard output, as for -i, not a file named "-" */
			output = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return bad_option(c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kdelay-report: unexpected argument '%s'\n", argv[optind]);
		return EX_USAGE;
	}
	if ((export && o.format == KDR_FMT_JSON && choose_output(&output_kind, "--json")) ||
	    (export && o.info && choose_output(&output_kind, "--info")))
		return EX_USAGE;
	/* Tables: several captures into one folder (export_tables.h). */
	if (export == EXPORT_TABLES || intervals || ninputs > 1) {
		if (export != EXPORT_TABLES || !output) {
			fprintf(stderr, "kdelay-report: %s --export tables -o DIR\n",
				export != EXPORT_TABLES ? (intervals ? "--intervals goes with"
								     : "several -i go with")
							: "the tables need a folder:");
			return EX_USAGE;
		}
		if (!ninputs)
			inputs[ninputs++] = input;
		return kdr_export_tables(inputs, ninputs, output, intervals, &o, stderr);
	}
	/* The input first: a missing or refused input must cost no output. */
	rc = kdr_input_open(&in, input, stderr);
	if (rc)
		return rc;
	if (output) {
		rc = kdr_output_open(&out_file, output, in.dev, in.ino, stderr);
		if (rc) {
			kdr_input_close(&in);
			return rc;
		}
		out = out_file.f;
	}
	if (export)
		rc = run_export(export, in.path, &o, out);
	else
		rc = kdr_report_file(in.path, &o, out, stderr);
	kdr_input_close(&in);
	if (output) {
		/* Written whole (complete, or incomplete but reported): in place. */
		if (rc == 0 || rc == KDR_EXIT_INCOMPLETE) {
			int wrc = kdr_output_commit(&out_file, stderr);

			if (wrc)
				rc = wrc;
		} else {
			kdr_output_discard(&out_file);
		}
	}
	return rc;
}
