/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options.h - command-line options of kdelay-record and kdelay.
 *
 * Names, defaults and validation follow kernel_delay.py's argparse block,
 * so every command line of kernel_delay.rst works unchanged.  Errors are
 * reported the way argparse does ("PROG: error: argument X: ...", exit 2).
 */
#ifndef KD_OPTIONS_H
#define KD_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Which program parses: kdelay takes kernel_delay.py's options (plus -o/-q
 * and the report's opt-in tables); kdelay-record also takes --comm and a
 * COMMAND. */
enum kd_prog {
	KD_PROG_RECORD,
	KD_PROG_KDELAY,
};

#define KD_DEFAULT_OUTPUT "kdelay.data"
#define KD_FLIGHT_DEFAULT_MB 64 /* --flight-buffer-mb */
#define KD_EXIT_USAGE 2 /* what argparse exits with */
#define KD_MAX_SECONDS 86400.0 /* --sample-time, --sample-interval, --flight-recorder */
#define KD_OUTPUT_STDOUT "-" /* -o -: stream the capture to standard output */
/* --staging: syscall records staged per CPU in BPF (bpf/staging.bpf.h) */
#define KD_STAGING_DEFAULT false

struct kd_opts {
	int debug;		     /* -D [LEVEL]: libbpf debug output when != 0 */
	pid_t pid;		     /* -p; 0 = find it (--comm or ovs-vswitchd) */
	const char *comm;	     /* --comm NAME */
	const char *host_label;	     /* --host-label NAME: the capture's host name */
	char **command;		     /* -- COMMAND ARGS..., NULL terminated; NULL = none */
	int64_t syscall_events_ns;   /* -s [NS]; -1 = not given */
	uint32_t buffer_page_count;  /* rounded up to a power of two */
	uint32_t sample_count;	     /* >= 1 */
	bool sample_count_given;     /* flight recorder: else unlimited */
	double sample_interval;	     /* seconds */
	double sample_time;	     /* seconds */
	bool sample_time_given;	     /* else a COMMAND is traced until it exits */
	bool skip_syscall_poll_events;
	uint32_t stack_trace_size;   /* stacks per window; 0 = no stacks */
	const char *start_trigger;   /* NULL = none */
	const char *stop_trigger;
	uint64_t trigger_delta_ns;
	const char *output;	     /* -o; "-" = stdout; NULL for kdelay = temporary file */
	int output_fd;		     /* >= 0: kdelay's nameless temporary capture */
	bool quiet;		     /* -q */
	bool staging;		     /* --staging on|off: stage syscall records per CPU */
	double flight_seconds;	     /* --flight-recorder; 0 = not in flight mode */
	uint32_t flight_buffer_mb;   /* --flight-buffer-mb: hard cap of its memory */
	/* kdelay only: the report's tables after each window, off by default
	 * so that its text stays kernel_delay.py's (kdelay-report's options
	 * of the same names) */
	bool report_budget;	     /* --budget */
	bool report_wakers;	     /* --wakers */
	bool report_culprits;	     /* --culprits */
	bool report_census;	     /* --census */
	int argc;		     /* the whole command line, for the meta chunk */
	char **argv;
};

/*
 * Parse argv into *o (defaults first).  Returns 0 to go on, -1 after
 * --help was printed (exit 0), or KD_EXIT_USAGE after a usage error was
 * printed to err.
 */
int options__parse(struct kd_opts *o, enum kd_prog prog, int argc, char **argv, FILE *err);

/* Print the --help text of prog to f. */
void options__usage(enum kd_prog prog, FILE *f);

/* The smallest power of two >= v (1 for 0), like the reference. */
uint32_t options__pow2(uint32_t v);

#endif /* KD_OPTIONS_H */
