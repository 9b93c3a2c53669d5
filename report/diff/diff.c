// SPDX-License-Identifier: BSD-2-Clause
/*
 * diff.c - `kdelay-report diff BASE NEW [--json] [--fail-if EXPR]...`:
 * the arguments, then load both captures (diff_load.c), evaluate the
 * thresholds (diff_expr.c) and print (diff_out.c).
 *
 * Arguments are parsed by hand rather than with getopt_long(): the
 * function is called as a library entry point (and several times by the
 * unit tests), and getopt's global state cannot be reset portably.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "diff_internal.h"

static const char usage_text[] =
	"Usage: kdelay-report diff BASE NEW [--json] [--fail-if EXPR]...\n"
	"Compare two captures thread role by thread role and syscall by syscall\n"
	"(threads matched by name without their numeric suffix: handler12 and\n"
	"handler3 are both the role 'handler').\n"
	"\n"
	"      --json             JSON output (docs/diff.md)\n"
	"      --fail-if EXPR     exit 1 when EXPR holds (repeatable):\n"
	"                         [SCOPE.]STAT OP THRESHOLD, e.g.\n"
	"                           'p99>+20%'  'ready.total>+10%'  'max>5ms'\n"
	"                           'syscall.futex.p99>+1ms'  'thread.handler.run.count<-50%'\n"
	"                         SCOPE: syscall[.NAME|.*], run, ready,\n"
	"                                thread.ROLE|*[.syscall[.NAME|.*]|.run|.ready]\n"
	"                         STAT: count total min max mean p50 p90 p99 p999\n"
	"                         THRESHOLD: +N% / -N% (change), +N[unit] / -N[unit]\n"
	"                         (NEW - BASE), N[unit] (NEW); unit ns us ms s\n"
	"  -h, --help             this help\n"
	"\n"
	"Exit status: 0 no threshold crossed, 1 a threshold crossed (listed in the\n"
	"output), 3 a capture has no complete sample window (nothing compared),\n"
	"64 usage or bad expression, 65 not a capture or unreadable,\n"
	"66 cannot open a capture, 71 out of memory, 74 I/O error.\n";

struct args {
	const char *path[2];
	int json;
	const char **exprs;
	size_t nexprs;
};

/* One line, like every error of kdelay-report. */
static int usage_error(FILE *err, const char *what, const char *arg)
{
	fprintf(err, KDR_DIFF_PREFIX "%s%s%s%s (see kdelay-report diff --help)\n", what,
		arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return EX_USAGE;
}

/* EX_OK, EX_USAGE (said), EX_OSERR, or -1 for --help (printed). */
static int parse_args(int argc, char **argv, struct args *a, FILE *out, FILE *err)
{
	size_t npaths = 0;
	int i, opts = 1;

	memset(a, 0, sizeof(*a));
	a->exprs = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*a->exprs));
	if (!a->exprs) {
		fprintf(err, KDR_DIFF_PREFIX "out of memory\n");
		return EX_OSERR;
	}
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (opts && !strcmp(s, "--")) {
			opts = 0;
		} else if (opts && (!strcmp(s, "-h") || !strcmp(s, "--help"))) {
			fputs(usage_text, out);
			return -1;
		} else if (opts && !strcmp(s, "--json")) {
			a->json = 1;
		} else if (opts && !strcmp(s, "--fail-if")) {
			if (i + 1 >= argc)
				return usage_error(err, "--fail-if needs an expression", NULL);
			a->exprs[a->nexprs++] = argv[++i];
		} else if (opts && !strncmp(s, "--fail-if=", 10)) {
			a->exprs[a->nexprs++] = s + 10;
		} else if (opts && s[0] == '-' && s[1]) {
			return usage_error(err, "unknown option", s);
		} else if (npaths == 2) {
			return usage_error(err, "more than two captures: extra", s);
		} else {
			a->path[npaths++] = s;
		}
	}
	if (npaths != 2)
		return usage_error(err, "needs two captures: BASE NEW", NULL);
	return EX_OK;
}

int kdr_diff_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct kdr_diff_side side[2];
	struct kdr_diff_expr *ex = NULL;
	struct kdr_diff_result *res = NULL;
	struct args a;
	size_t i, nparsed = 0, neval = 0, crossed = 0;
	char msg[512];
	int rc;

	if (!out)
		out = stdout;
	if (!err)
		err = stderr;
	memset(side, 0, sizeof(side));
	rc = parse_args(argc, argv, &a, out, err);
	if (rc < 0) {
		rc = EX_OK; /* --help */
		goto out;
	}
	if (rc != EX_OK)
		goto out;
	/* Every expression is checked before the (possibly long) reading. */
	ex = calloc(a.nexprs + 1, sizeof(*ex));
	res = calloc(a.nexprs + 1, sizeof(*res));
	if (!ex || !res) {
		fprintf(err, KDR_DIFF_PREFIX "out of memory\n");
		rc = EX_OSERR;
		goto out;
	}
	for (; nparsed < a.nexprs; nparsed++) {
		if (kdr_diff_expr_parse(a.exprs[nparsed], &ex[nparsed], msg, sizeof(msg))) {
			fprintf(err, KDR_DIFF_PREFIX "--fail-if '%s': %s\n", a.exprs[nparsed], msg);
			rc = EX_USAGE;
			goto out;
		}
	}
	rc = kdr_diff_load(&side[0], a.path[0], "base", err);
	if (rc == EX_OK)
		rc = kdr_diff_load(&side[1], a.path[1], "new", err);
	if (rc != EX_OK)
		goto out;
	/* Nothing to compare must not read as "no regression" to a CI job. */
	for (i = 0; i < 2; i++) {
		if (side[i].windows_kept)
			continue;
		fprintf(err, KDR_DIFF_PREFIX "%s capture %s has no complete sample window: nothing to compare\n",
			side[i].label, side[i].path);
		rc = KDR_DIFF_EXIT_NO_WINDOW;
	}
	if (rc != EX_OK)
		goto out;
	for (; neval < a.nexprs; neval++) {
		rc = kdr_diff_eval(&ex[neval], &side[0], &side[1], &res[neval], msg, sizeof(msg));
		if (rc == EX_OSERR)
			snprintf(msg, sizeof(msg), "out of memory evaluating --fail-if '%s'",
				 ex[neval].text);
		if (rc != EX_OK) {
			fprintf(err, KDR_DIFF_PREFIX "%s\n", msg);
			neval++; /* res[neval] may hold a partial list: freed below */
			goto out;
		}
		crossed += res[neval].ncrossed > 0;
	}
	errno = 0;
	if ((a.json ? kdr_diff_print_json : kdr_diff_print_text)(out, &side[0], &side[1], res,
								 a.nexprs)) {
		fprintf(err, KDR_DIFF_PREFIX "out of memory printing the comparison\n");
		rc = EX_OSERR;
		goto out;
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(err, KDR_DIFF_PREFIX "writing the output failed: %s\n",
			errno ? strerror(errno) : "I/O error");
		rc = EX_IOERR;
		goto out;
	}
	if (crossed) {
		fprintf(err, KDR_DIFF_PREFIX "%zu of %zu --fail-if thresholds crossed\n", crossed,
			a.nexprs);
		rc = KDR_DIFF_EXIT_CROSSED;
	}
out:
	for (i = 0; i < neval; i++)
		kdr_diff_result_free(&res[i]);
	for (i = 0; i < nparsed; i++)
		kdr_diff_expr_free(&ex[i]);
	free(res);
	free(ex);
	free(a.exprs);
	kdr_diff_side_free(&side[0]);
	kdr_diff_side_free(&side[1]);
	return rc;
}
