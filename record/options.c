// SPDX-License-Identifier: BSD-2-Clause
/*
 * options.c - parse kernel_delay.py's options (and kdelay-record's own).
 *
 * argparse semantics kept on purpose: "-s" and "--trigger-delta" and "-D"
 * take an optional value that may be the next word ("-s 5000"), integer
 * options reject negative numbers with "must be positive", --sample-count
 * rejects 0, and a usage error exits with status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "options.h"

enum {
	OPT_BUFFER_PAGE_COUNT = 256,
	OPT_SAMPLE_COUNT,
	OPT_SAMPLE_INTERVAL,
	OPT_SAMPLE_TIME,
	OPT_SKIP_POLL,
	OPT_STACK_TRACE_SIZE,
	OPT_START_TRIGGER,
	OPT_STOP_TRIGGER,
	OPT_TRIGGER_DELTA,
	OPT_COMM,
	OPT_FLIGHT,
	OPT_FLIGHT_MB,
	OPT_HOST_LABEL,
	OPT_BUDGET,
	OPT_WAKERS,
	OPT_CULPRITS,
	OPT_CENSUS,
	OPT_STAGING,
};

static const struct option long_opts[] = {
	{ "debug", optional_argument, NULL, 'D' },
	{ "pid", required_argument, NULL, 'p' },
	{ "syscall-events", optional_argument, NULL, 's' },
	{ "buffer-page-count", required_argument, NULL, OPT_BUFFER_PAGE_COUNT },
	{ "sample-count", required_argument, NULL, OPT_SAMPLE_COUNT },
	{ "sample-interval", required_argument, NULL, OPT_SAMPLE_INTERVAL },
	{ "sample-time", required_argument, NULL, OPT_SAMPLE_TIME },
	{ "skip-syscall-poll-events", no_argument, NULL, OPT_SKIP_POLL },
	{ "stack-trace-size", required_argument, NULL, OPT_STACK_TRACE_SIZE },
	{ "start-trigger", required_argument, NULL, OPT_START_TRIGGER },
	{ "stop-trigger", required_argument, NULL, OPT_STOP_TRIGGER },
	{ "trigger-delta", optional_argument, NULL, OPT_TRIGGER_DELTA },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "flight-recorder", required_argument, NULL, OPT_FLIGHT },
	{ "flight-buffer-mb", required_argument, NULL, OPT_FLIGHT_MB },
	{ "host-label", required_argument, NULL, OPT_HOST_LABEL },
	{ "budget", no_argument, NULL, OPT_BUDGET },
	{ "wakers", no_argument, NULL, OPT_WAKERS },
	{ "culprits", no_argument, NULL, OPT_CULPRITS },
	{ "census", no_argument, NULL, OPT_CENSUS },
	{ "staging", required_argument, NULL, OPT_STAGING },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *prog_name(enum kd_prog prog)
{
	return prog == KD_PROG_KDELAY ? "kdelay" : "kdelay-record";
}

void options__usage(enum kd_prog prog, FILE *f)
{
	fprintf(f,
		"usage: %s [-h] [-D [DEBUG]] [-p VSWITCHD_PID] [-s [DURATION_NS]]\n"
		"       [--buffer-page-count NUMBER] [--sample-count RUNS]\n"
		"       [--sample-interval SECONDS] [--sample-time SECONDS]\n"
		"       [--skip-syscall-poll-events] [--stack-trace-size STACK_TRACE_SIZE]\n"
		"       [--start-trigger TRIGGER] [--stop-trigger TRIGGER]\n"
		"       [--trigger-delta [DURATION_NS]] [-o FILE] [-q]%s\n\n",
		prog_name(prog),
		prog == KD_PROG_RECORD ? "\n       [--comm NAME] [--flight-recorder SECONDS [--flight-buffer-mb MB]]"
					 "\n       [--host-label NAME] [--staging on|off]"
					 "\n       [[--] COMMAND [ARGS...]]"
					 : "\n       [--budget] [--wakers] [--culprits] [--census]");
	fprintf(f,
		"options:\n"
		"  -h, --help            show this help message and exit\n"
		"  -D [DEBUG], --debug [DEBUG]\n"
		"                        Enable eBPF debugging (libbpf messages)\n"
		"  -p VSWITCHD_PID, --pid VSWITCHD_PID\n"
		"                        ovs-vswitch's PID (default: the running ovs-vswitchd)\n"
		"  -s [DURATION_NS], --syscall-events [DURATION_NS]\n"
		"                        Record syscall events that take longer than DURATION_NS.\n"
		"                        Omit the duration value to record all syscall events\n"
		"  --buffer-page-count NUMBER\n"
		"                        Number of BPF ring buffer pages, default 1024\n"
		"  --sample-count RUNS   Number of sample runs, default 1\n"
		"  --sample-interval SECONDS\n"
		"                        Delay between sample runs, default 0\n"
		"  --sample-time SECONDS\n"
		"                        Sample time, default 0.5 seconds\n"
		"  --skip-syscall-poll-events\n"
		"                        Skip poll() syscalls with --syscall-events\n"
		"  --stack-trace-size STACK_TRACE_SIZE\n"
		"                        Number of unique stack traces that can be recorded per\n"
		"                        sample window, default 4096. 0 to disable\n"
		"  --start-trigger TRIGGER\n"
		"                        Start trigger, see documentation for details\n"
		"  --stop-trigger TRIGGER\n"
		"                        Stop trigger, see documentation for details\n"
		"  --trigger-delta [DURATION_NS]\n"
		"                        Only report event when the trigger duration >\n"
		"                        DURATION_NS, default 0 (all events)\n"
		"  -o FILE, --output FILE\n"
		"                        Capture file, default %s%s\n"
		"  -q, --quiet           No progress lines or status line\n",
		prog == KD_PROG_KDELAY ? "a nameless temporary file" : KD_DEFAULT_OUTPUT,
		prog == KD_PROG_KDELAY ? " (kept when given)" :
					 " (an old one becomes FILE.old);\n"
					 "                        - writes it to standard output");
	if (prog == KD_PROG_KDELAY)
		fputs("  --budget              After each sample, each thread's time budget, the\n"
		      "                        threads that made no event included\n"
		      "  --wakers              After each sample, blocked time by syscall and waker\n"
		      "  --culprits            After each sample, ready time by the task that ran\n"
		      "  --census              After each sample, the threads that made no event\n",
		      f);
	if (prog == KD_PROG_RECORD)
		fprintf(f, "  --comm NAME           Trace the single process whose name is NAME\n"
			   "  --flight-recorder SECONDS\n"
			   "                        Keep the last SECONDS of events in memory; write a\n"
			   "                        trigger window only when it lasts >= --trigger-delta,\n"
			   "                        and the last SECONDS on SIGUSR2; run until stopped\n"
			   "  --flight-buffer-mb MB Memory cap of the flight recorder, default %u\n"
			   "  --host-label NAME     Host name the capture carries, instead of this\n"
			   "                        host's (a fleet's node name, a container's host)\n"
			   "  --staging on|off      Stage syscall records per CPU in the kernel and hand\n"
			   "                        them over in batches, default %s\n"
			   "  COMMAND [ARGS...]     Start COMMAND and trace it from its first instruction\n",
			KD_FLIGHT_DEFAULT_MB, KD_STAGING_DEFAULT ? "on" : "off");
	fprintf(f, "\nTriggers: u|usdt:PROVIDER:PROBE  t|trace:SYSTEM:EVENT  k|kprobe:FUNC\n"
		   "          kr|kretprobe:FUNC  up|uprobe:[LIB:]FUNC  ur|upr|uretprobe:[LIB:]FUNC\n");
}

uint32_t options__pow2(uint32_t v)
{
	uint32_t p = 1;

	while (p < v && p < (1u << 31))
		p <<= 1;
	return p;
}

static int usage_error(enum kd_prog prog, FILE *err, const char *fmt, const char *a, const char *b)
{
	fprintf(err, "usage: %s [-h] [options]%s\n%s: error: ", prog_name(prog),
		prog == KD_PROG_RECORD ? " [[--] COMMAND [ARGS...]]" : "", prog_name(prog));
	fprintf(err, fmt, a, b);
	fputc('\n', err);
	return KD_EXIT_USAGE;
}

/* argparse's unsigned_int(): an integer, not negative. */
static const char *parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	const char *p = s;
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-') {
		errno = 0;
		strtoll(p, &end, 10);
		return (end != p + 1 && *end == '\0') ? "must be positive" : "must be an integer";
	}
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return "must be an integer";
	errno = 0;
	*out = strtoull(p, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end != '\0')
		return "must be an integer";
	if (errno == ERANGE || *out > max)
		return "too large";
	return NULL;
}

/* Seconds, at most a day: a longer time is a typo, and from ~584 years on
 * it would not even fit the capture's nanoseconds (uint64). */
static const char *parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE)
		return "must be a number of seconds";
	if (!isfinite(*out) || *out < 0)
		return "must be a non-negative number of seconds";
	if (*out > KD_MAX_SECONDS)
		return "must be at most 86400 seconds (one day)";
	return NULL;
}

/* A word a user meant as the number of an option: digits, or what strtod()
 * reads whole ("nan", "inf", "1e12", ".5"), so that it is rejected as a
 * bad number rather than run as a COMMAND. */
static bool looks_numeric(const char *s)
{
	char *end;

	if (*s == '-' || *s == '+')
		s++;
	if (*s >= '0' && *s <= '9')
		return true;
	if (!*s || (*s != '.' && strncasecmp(s, "nan", 3) && strncasecmp(s, "inf", 3)))
		return false;
	strtod(s, &end);
	return *end == '\0';
}

/* The optional value of "-s", "--trigger-delta" or "-D" may be the next
 * word, as with argparse's nargs='?', when it looks like a number. */
static const char *optional_value(int argc, char **argv)
{
	if (optarg)
		return optarg;
	if (optind >= argc || !looks_numeric(argv[optind]))
		return NULL;
	return argv[optind++];
}

static void defaults(struct kd_opts *o, enum kd_prog prog, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	o->syscall_events_ns = -1;
	o->buffer_page_count = 1024;
	o->sample_count = 1;
	o->sample_time = 0.5;
	o->stack_trace_size = 4096;
	o->flight_buffer_mb = KD_FLIGHT_DEFAULT_MB;
	o->output = prog == KD_PROG_RECORD ? KD_DEFAULT_OUTPUT : NULL;
	o->output_fd = -1;
	o->staging = KD_STAGING_DEFAULT;
	o->argc = argc;
	o->argv = argv;
}

/* What the flight recorder cannot be combined with, or NULL. */
static const char *flight_conflict(const struct kd_opts *o)
{
	if (!o->flight_seconds)
		return NULL;
	/* Stacks are variable-sized records with symbols to resolve while
	 * the process lives: not kept in the fixed-size event ring (yet). */
	if (o->syscall_events_ns >= 0)
		return "--flight-recorder does not take -s/--syscall-events";
	if (!o->start_trigger != !o->stop_trigger)
		return "--flight-recorder takes both --start-trigger and --stop-trigger, or neither "
		       "(then only SIGUSR2 writes)";
	if (o->sample_time_given || o->sample_interval > 0)
		return "--flight-recorder has no fixed windows: --sample-time and "
		       "--sample-interval do not apply";
	return NULL;
}

/*
 * The kernel's ring buffer is a power of two of at most 2 GiB (its size is
 * a 32-bit map attribute): checked here, after the rounding up the
 * reference does, so a size too large is not blamed on BPF loading.
 */
static const char *ring_size_error(uint64_t pages)
{
	static char why[128];
	uint64_t page = (uint64_t)getpagesize();
	uint64_t max = (1ull << 31) / page;

	if (pages <= max && options__pow2((uint32_t)pages) <= max)
		return NULL;
	snprintf(why, sizeof(why), "at most %llu pages of %llu bytes (the kernel's 2 GiB ring "
		 "buffer limit)", (unsigned long long)max, (unsigned long long)page);
	return why;
}

/* "-o -": the capture streams to standard output, never onto a terminal;
 * kdelay reads its capture back while recording, so it needs a file. */
static const char *stdout_error(enum kd_prog prog, const char *output)
{
	if (strcmp(output, "-"))
		return NULL;
	if (prog == KD_PROG_KDELAY)
		return "'-' (standard output) is not supported by kdelay, which prints its "
		       "reports there; use kdelay-record -o -";
	if (isatty(STDOUT_FILENO))
		return "'-' would write a binary capture to a terminal; redirect standard output "
		       "to a file or a pipe";
	return NULL;
}

#define ARG_ERR(name, why) usage_error(prog, err, "argument %s: %s", name, why)

int options__parse(struct kd_opts *o, enum kd_prog prog, int argc, char **argv, FILE *err)
{
	const char *why, *v;
	uint64_t u;
	double d;
	int c;

	defaults(o, prog, argc, argv);
	optind = 1;
	opterr = 0;
	/* '+': stop at the first word that is not an option (the COMMAND). */
	while ((c = getopt_long(argc, argv, "+:D::p:s::o:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			v = optional_value(argc, argv);
			if (!v) {
				o->debug = 0x3f;
				break;
			}
			if ((why = parse_uint(v, INT32_MAX, &u)))
				return ARG_ERR("-D/--debug", why);
			o->debug = (int)u;
			break;
		case 'p':
			if ((why = parse_uint(optarg, INT32_MAX, &u)))
				return ARG_ERR("-p/--pid", why);
			/* 0 is no process (and would mean "find ovs-vswitchd"). */
			if (u == 0)
				return ARG_ERR("-p/--pid", "0 is not a process id");
			o->pid = (pid_t)u;
			break;
		case 's':
			v = optional_value(argc, argv);
			u = 0;
			if (v && (why = parse_uint(v, INT64_MAX, &u)))
				return ARG_ERR("-s/--syscall-events", why);
			o->syscall_events_ns = (int64_t)u;
			break;
		case OPT_BUFFER_PAGE_COUNT:
			if ((why = parse_uint(optarg, UINT32_MAX, &u)))
				return ARG_ERR("--buffer-page-count", why);
			if ((why = ring_size_error(u)))
				return ARG_ERR("--buffer-page-count", why);
			o->buffer_page_count = (uint32_t)u;
			break;
		case OPT_SAMPLE_COUNT:
			if ((why = parse_uint(optarg, UINT32_MAX, &u)))
				return ARG_ERR("--sample-count", why);
			if (u == 0)
				return ARG_ERR("--sample-count", "must be nonzero");
			o->sample_count = (uint32_t)u;
			o->sample_count_given = true;
			break;
		case OPT_SAMPLE_INTERVAL:
			if ((why = parse_seconds(optarg, &d)))
				return ARG_ERR("--sample-interval", why);
			o->sample_interval = d;
			break;
		case OPT_SAMPLE_TIME:
			if ((why = parse_seconds(optarg, &d)))
				return ARG_ERR("--sample-time", why);
			o->sample_time = d;
			o->sample_time_given = true;
			break;
		case OPT_SKIP_POLL:
			o->skip_syscall_poll_events = true;
			break;
		case OPT_STACK_TRACE_SIZE:
			if ((why = parse_uint(optarg, UINT32_MAX, &u)))
				return ARG_ERR("--stack-trace-size", why);
			o->stack_trace_size = (uint32_t)u;
			break;
		case OPT_START_TRIGGER:
			o->start_trigger = optarg;
			break;
		case OPT_STOP_TRIGGER:
			o->stop_trigger = optarg;
			break;
		case OPT_TRIGGER_DELTA:
			v = optional_value(argc, argv);
			u = 0;
			if (v && (why = parse_uint(v, INT64_MAX, &u)))
				return ARG_ERR("--trigger-delta", why);
			o->trigger_delta_ns = u;
			break;
		case OPT_COMM:
			if (prog != KD_PROG_RECORD)
				return usage_error(prog, err, "unrecognized arguments: %s%s", "--comm", "");
			if (!*optarg)
				return ARG_ERR("--comm", "must not be empty");
			o->comm = optarg;
			break;
		case OPT_FLIGHT:
			if (prog != KD_PROG_RECORD)
				return usage_error(prog, err, "unrecognized arguments: %s%s",
						   "--flight-recorder", "");
			if ((why = parse_seconds(optarg, &d)))
				return ARG_ERR("--flight-recorder", why);
			if (d <= 0)
				return ARG_ERR("--flight-recorder", "must be > 0 and <= 86400 seconds");
			o->flight_seconds = d;
			break;
		case OPT_HOST_LABEL:
			if (prog != KD_PROG_RECORD)
				return usage_error(prog, err, "unrecognized arguments: %s%s",
						   "--host-label", "");
			if (!*optarg || strlen(optarg) > 255)
				return ARG_ERR("--host-label", "must be 1 to 255 bytes");
			o->host_label = optarg;
			break;
		case OPT_STAGING:
			if (prog != KD_PROG_RECORD)
				return usage_error(prog, err, "unrecognized arguments: %s%s", "--staging", "");
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				return ARG_ERR("--staging", "must be on or off");
			o->staging = !strcmp(optarg, "on");
			break;
		case OPT_FLIGHT_MB:
			if (prog != KD_PROG_RECORD)
				return usage_error(prog, err, "unrecognized arguments: %s%s",
						   "--flight-buffer-mb", "");
			if ((why = parse_uint(optarg, 1u << 20, &u)))
				return ARG_ERR("--flight-buffer-mb", why);
			if (u == 0)
				return ARG_ERR("--flight-buffer-mb", "must be nonzero");
			o->flight_buffer_mb = (uint32_t)u;
			break;
		case OPT_BUDGET:
		case OPT_WAKERS:
		case OPT_CULPRITS:
		case OPT_CENSUS:
			/* the report's tables: kdelay-report takes them on a capture */
			if (prog != KD_PROG_KDELAY)
				return usage_error(prog, err, "unrecognized arguments: %s%s",
						   argv[optind - 1], "");
			o->report_budget |= c == OPT_BUDGET;
			o->report_wakers |= c == OPT_WAKERS;
			o->report_culprits |= c == OPT_CULPRITS;
			o->report_census |= c == OPT_CENSUS;
			break;
		case 'o':
			if (!*optarg)
				return ARG_ERR("-o/--output", "must not be empty");
			if ((why = stdout_error(prog, optarg)))
				return ARG_ERR("-o/--output", why);
			o->output = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			options__usage(prog, stdout);
			return -1;
		case ':':
			return usage_error(prog, err, "argument %s: expected one argument%s",
					   argv[optind - 1], "");
		default:
			return usage_error(prog, err, "unrecognized arguments: %s%s", argv[optind - 1], "");
		}
	}
	if (optind < argc) {
		if (prog != KD_PROG_RECORD)
			return usage_error(prog, err, "unrecognized arguments: %s%s", argv[optind], "");
		o->command = &argv[optind];
	}
	if (o->command && (o->pid || o->comm))
		return usage_error(prog, err, "%s%s", "a COMMAND excludes -p/--pid and --comm", "");
	if (o->pid && o->comm)
		return usage_error(prog, err, "%s%s", "-p/--pid and --comm exclude each other", "");
	if ((why = flight_conflict(o)))
		return usage_error(prog, err, "%s%s", why, "");
	o->buffer_page_count = options__pow2(o->buffer_page_count);
	return 0;
}
