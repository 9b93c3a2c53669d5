// SPDX-License-Identifier: BSD-2-Clause
/*
 * diff_expr.c - `--fail-if EXPR`: parsing and evaluation.
 *
 *   EXPR      := METRIC OP THRESHOLD            (blanks allowed around OP)
 *   METRIC    := [SCOPE "."] STAT
 *   SCOPE     := WHAT | "thread." ROLE ["." WHAT]
 *   WHAT      := "syscall" ["." NAME] | "run" | "ready"
 *   STAT      := count | total | min | max | mean | p50 | p90 | p99 | p999
 *   OP        := ">" | "<"
 *   THRESHOLD := ["+"|"-"] NUMBER "%"           change of NEW relative to BASE
 *              | ("+"|"-") NUMBER [UNIT]        NEW - BASE
 *              | NUMBER [UNIT]                  NEW itself
 *   UNIT      := ns | us | ms | s                (times only; count has none)
 *
 * No SCOPE (and "syscall") means every syscall of every thread together;
 * ROLE and NAME may be "*": each role, each syscall.  docs/diff.md has
 * examples.  Every comparison is strict.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "diff_internal.h"

static const char *const stat_names[KDR_DS_N] = {
	"count", "total", "min", "max", "mean", "p50", "p90", "p99", "p999",
};

const char *kdr_diff_stat_name(enum kdr_diff_stat st)
{
	return st < KDR_DS_N ? stat_names[st] : "?";
}

uint64_t kdr_diff_stat_value(const struct kdr_hist *h, enum kdr_diff_stat st)
{
	if (!h || !h->count)
		return 0;
	switch (st) {
	case KDR_DS_COUNT:
		return h->count;
	case KDR_DS_TOTAL:
		return h->total;
	case KDR_DS_MIN:
		return h->min;
	case KDR_DS_MAX:
		return h->max;
	case KDR_DS_MEAN:
		return kdr_hist_mean(h);
	case KDR_DS_P50:
		return kdr_hist_percentile(h, 50);
	case KDR_DS_P90:
		return kdr_hist_percentile(h, 90);
	case KDR_DS_P99:
		return kdr_hist_percentile(h, 99);
	case KDR_DS_P999:
		return kdr_hist_percentile(h, 99.9);
	default:
		return 0;
	}
}

double kdr_diff_pct(uint64_t base, uint64_t now)
{
	if (!base)
		return now ? INFINITY : 0;
	/* (now - base) * 100 / base, without unsigned wrap-around. */
	return ((double)now - (double)base) * 100.0 / (double)base;
}

void kdr_diff_expr_free(struct kdr_diff_expr *e)
{
	free(e->role);
	free(e->sysname);
	memset(e, 0, sizeof(*e));
}

static int fail(char *msg, size_t len, const char *fmt, const char *arg)
{
	snprintf(msg, len, fmt, arg);
	return -1;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* "syscall", "syscall.NAME", "run", "ready" (s[0..n)); 0 or -1. */
static int parse_what(struct kdr_diff_expr *e, const char *s, size_t n)
{
	if (n == 3 && !memcmp(s, "run", 3)) {
		e->what = KDR_DW_RUN;
	} else if (n == 5 && !memcmp(s, "ready", 5)) {
		e->what = KDR_DW_READY;
	} else if (n == 7 && !memcmp(s, "syscall", 7)) {
		e->what = KDR_DW_SYSCALLS;
	} else if (n > 8 && !memcmp(s, "syscall.", 8)) {
		e->what = KDR_DW_SYSCALL;
		e->sysname = dup_n(s + 8, n - 8);
		if (!e->sysname)
			return -1;
	} else {
		return -1;
	}
	return 0;
}

/* The part before the statistic: s[0..n), n may be 0. */
static int parse_scope(struct kdr_diff_expr *e, const char *s, size_t n, char *msg, size_t len)
{
	static const char *const tails[] = { ".run", ".ready", ".syscall" };
	char scope[256];
	const char *w = NULL;
	size_t rlen, i;

	e->what = KDR_DW_SYSCALLS;
	if (!n)
		return 0;
	snprintf(scope, sizeof(scope), "%.*s", (int)(n < 255 ? n : 255), s);
	if (n < 7 || memcmp(s, "thread.", 7)) {
		if (parse_what(e, s, n))
			return fail(msg, len,
				    "unknown scope '%s' (syscall, syscall.NAME, run, ready, thread.ROLE[.syscall[.NAME]|.run|.ready])",
				    scope);
		return 0;
	}
	/* thread.ROLE[.WHAT]: a role may hold dots, so WHAT is found from the
	 * end: ".run", ".ready", ".syscall" or the last ".syscall.NAME". */
	s += 7;
	n -= 7;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]) && !w; i++) {
		size_t t = strlen(tails[i]);

		if (n >= t && !memcmp(s + n - t, tails[i], t))
			w = s + n - t;
	}
	if (!w) {
		for (i = n; i-- > 0;)
			if (n - i > 9 && !memcmp(s + i, ".syscall.", 9)) {
				w = s + i;
				break;
			}
	}
	rlen = w ? (size_t)(w - s) : n;
	if (!rlen)
		return fail(msg, len, "empty thread role in '%s'", scope);
	if (w && parse_what(e, w + 1, n - rlen - 1))
		return -1; /* out of memory: the forms were matched above */
	/* thread.handler12 means the role handler, as threads are matched. */
	kdr_diff_role(s, rlen, &rlen);
	e->role = dup_n(s, rlen);
	return e->role ? 0 : -1;
}

/* NUMBER: digits with an optional fraction; the rest in *end. */
static int parse_number(const char *s, double *v, const char **end)
{
	const char *p = s;
	double x = 0, scale = 1;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9')
		x = x * 10 + (*p++ - '0');
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			scale /= 10;
			x += (*p++ - '0') * scale;
		}
	}
	*v = x;
	*end = p;
	return 0;
}

static const char thr_help[] =
	"bad threshold '%s' (+N%%, -N%%, +N[unit], -N[unit] or N[unit]; unit ns, us, ms or s)";

static int parse_threshold(struct kdr_diff_expr *e, const char *s, char *msg, size_t len)
{
	static const struct {
		const char *name;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 } };
	const char *p = s, *end;
	int sign = 0;
	double v;
	size_t i;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (parse_number(p, &v, &end))
		return fail(msg, len, thr_help, s);
	if (!strcmp(end, "%")) {
		e->thr = KDR_DT_PCT;
		e->pct = sign < 0 ? -v : v;
		return 0;
	}
	e->thr = sign ? KDR_DT_DELTA : KDR_DT_VALUE;
	e->neg = sign < 0;
	if (*end) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(end, units[i].name))
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return fail(msg, len, thr_help, s);
		if (e->stat == KDR_DS_COUNT)
			return fail(msg, len, "count takes no time unit: '%s'", s);
		v *= units[i].ns;
	}
	/* 2^64 as a double; rounding to whole ns (or calls). */
	if (v + 0.5 >= 18446744073709551616.0)
		return fail(msg, len, "threshold '%s' is too large", s);
	e->mag = (uint64_t)(v + 0.5);
	return 0;
}

int kdr_diff_expr_parse(const char *text, struct kdr_diff_expr *e, char *msg, size_t len)
{
	const char *op, *dot, *p, *q;
	char stat[16], thr[64];
	size_t n, i;

	memset(e, 0, sizeof(*e));
	e->text = text;
	if (len)
		msg[0] = '\0';
	op = strpbrk(text, "<>");
	if (!op)
		return fail(msg, len, "no comparison in '%s': expected METRIC>THRESHOLD or METRIC<THRESHOLD",
			    text);
	e->op = *op;
	/* METRIC: text up to op, blanks trimmed. */
	for (p = text; *p == ' ' || *p == '\t'; p++)
		;
	for (q = op; q > p && (q[-1] == ' ' || q[-1] == '\t'); q--)
		;
	if (q == p)
		return fail(msg, len, "no metric before '%s'", op);
	for (dot = q; dot > p && dot[-1] != '.'; dot--)
		;
	n = (size_t)(q - dot);
	snprintf(stat, sizeof(stat), "%.*s", (int)(n < 15 ? n : 15), dot);
	for (i = 0; i < KDR_DS_N; i++)
		if (strlen(stat_names[i]) == n && !memcmp(dot, stat_names[i], n))
			break;
	if (i == KDR_DS_N) {
		if (n >= 15)
			strcpy(stat + 11, "...");
		return fail(msg, len, "unknown statistic '%s' (count, total, min, max, mean, p50, p90, p99, p999)",
			    stat);
	}
	e->stat = (enum kdr_diff_stat)i;
	if (parse_scope(e, p, dot > p ? (size_t)(dot - 1 - p) : 0, msg, len)) {
		if (!msg[0])
			snprintf(msg, len, "out of memory");
		kdr_diff_expr_free(e);
		return -1;
	}
	/* THRESHOLD: after op, blanks trimmed. */
	for (p = op + 1; *p == ' ' || *p == '\t'; p++)
		;
	for (q = p + strlen(p); q > p && (q[-1] == ' ' || q[-1] == '\t'); q--)
		;
	snprintf(thr, sizeof(thr), "%.*s", (int)((size_t)(q - p) < 63 ? q - p : 63), p);
	if (strpbrk(p, "<>")) {
		kdr_diff_expr_free(e);
		return fail(msg, len, "more than one comparison in '%s'", text);
	}
	if (parse_threshold(e, thr, msg, len)) {
		kdr_diff_expr_free(e);
		return -1;
	}
	e->text = text;
	return 0;
}

/* -------------------------------------------------------------- evaluation */

/* now - base (exact, as sign and magnitude) against +-mag: -1, 0 or 1. */
static int cmp_delta(uint64_t base, uint64_t now, int neg, uint64_t mag)
{
	int dneg = now < base;
	uint64_t dmag = dneg ? base - now : now - base;

	if (!mag)
		neg = 0;
	if (!dmag)
		dneg = 0;
	if (dneg != neg)
		return dneg ? -1 : 1;
	if (dmag == mag)
		return 0;
	/* Same sign: a larger magnitude is greater when positive. */
	return (dmag > mag) == !dneg ? 1 : -1;
}

static int crossed(const struct kdr_diff_expr *e, uint64_t base, uint64_t now)
{
	int c;

	switch (e->thr) {
	case KDR_DT_PCT: {
		double pc = kdr_diff_pct(base, now);

		return e->op == '>' ? pc > e->pct : pc < e->pct;
	}
	case KDR_DT_DELTA:
		c = cmp_delta(base, now, e->neg, e->mag);
		return e->op == '>' ? c > 0 : c < 0;
	default:
		return e->op == '>' ? now > e->mag : now < e->mag;
	}
}

static const struct kdr_hist *pick(const struct kdr_diff_group *g, enum kdr_diff_what w,
				   const char *sysname)
{
	if (!g)
		return NULL;
	switch (w) {
	case KDR_DW_RUN:
		return &g->run;
	case KDR_DW_READY:
		return &g->ready;
	case KDR_DW_SYSCALLS:
		return &g->sys_all;
	default:
		return kdr_diff_find_sys(g, sysname);
	}
}

static int add_check(struct kdr_diff_result *res, const struct kdr_diff_expr *e,
		     const struct kdr_diff_group *gb, const struct kdr_diff_group *gn,
		     const char *sysname)
{
	const struct kdr_diff_group *g = gb ? gb : gn;
	struct kdr_diff_check *c;
	void *v = realloc(res->checks, (res->nchecks + 1) * sizeof(*res->checks));

	if (!v)
		return -1;
	res->checks = v;
	c = &res->checks[res->nchecks++];
	memset(c, 0, sizeof(*c));
	if (e->role) {
		c->role = g->role;
		c->role_len = g->role_len;
	}
	c->what = e->what;
	c->sysname = sysname;
	c->base = kdr_diff_stat_value(pick(gb, e->what, sysname), e->stat);
	c->now = kdr_diff_stat_value(pick(gn, e->what, sysname), e->stat);
	c->crossed = crossed(e, c->base, c->now);
	res->ncrossed += c->crossed;
	return 0;
}

/* Checks for one pair of groups (either may be missing, not both). */
static int eval_groups(struct kdr_diff_result *res, const struct kdr_diff_expr *e,
		       const struct kdr_diff_group *gb, const struct kdr_diff_group *gn)
{
	size_t i = 0, j = 0;

	if (e->what != KDR_DW_SYSCALL || strcmp(e->sysname, "*"))
		return add_check(res, e, gb, gn, e->sysname);
	/* Each syscall of either side: a merge of two sorted lists. */
	while ((gb && i < gb->nsys) || (gn && j < gn->nsys)) {
		const char *a = gb && i < gb->nsys ? gb->sys[i].name : NULL;
		const char *b = gn && j < gn->nsys ? gn->sys[j].name : NULL;
		int c = !a ? 1 : !b ? -1 : strcmp(a, b);

		if (add_check(res, e, gb, gn, c <= 0 ? a : b))
			return -1;
		i += c <= 0;
		j += c >= 0;
	}
	return 0;
}

int kdr_diff_eval(const struct kdr_diff_expr *e, const struct kdr_diff_side *base,
		  const struct kdr_diff_side *now, struct kdr_diff_result *res, char *msg,
		  size_t len)
{
	size_t i = 0, j = 0;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	res->e = e;
	if (e->what == KDR_DW_SYSCALL && strcmp(e->sysname, "*") &&
	    !kdr_diff_known_syscall(base, e->sysname) && !kdr_diff_known_syscall(now, e->sysname)) {
		snprintf(msg, len, "--fail-if '%s': unknown syscall '%s' (in neither capture's table)",
			 e->text, e->sysname);
		return EX_USAGE;
	}
	if (!e->role)
		return eval_groups(res, e, &base->all, &now->all) ? EX_OSERR : EX_OK;
	if (strcmp(e->role, "*")) {
		const struct kdr_diff_group *gb = kdr_diff_find_role(base, e->role, strlen(e->role));
		const struct kdr_diff_group *gn = kdr_diff_find_role(now, e->role, strlen(e->role));

		if (!gb && !gn) {
			snprintf(msg, len, "--fail-if '%s': no thread of role '%s' in either capture",
				 e->text, e->role);
			return EX_USAGE;
		}
		return eval_groups(res, e, gb, gn) ? EX_OSERR : EX_OK;
	}
	/* Each role of either side, merged in order. */
	while (!rc && (i < base->nroles || j < now->nroles)) {
		const struct kdr_diff_group *a = i < base->nroles ? &base->roles[i] : NULL;
		const struct kdr_diff_group *b = j < now->nroles ? &now->roles[j] : NULL;
		int c = !a ? 1 : !b ? -1 : kdr_diff_role_cmp(a->role, a->role_len, b->role, b->role_len);

		rc = eval_groups(res, e, c <= 0 ? a : NULL, c >= 0 ? b : NULL);
		i += c <= 0;
		j += c >= 0;
	}
	return rc ? EX_OSERR : EX_OK;
}

void kdr_diff_result_free(struct kdr_diff_result *res)
{
	free(res->checks);
	memset(res, 0, sizeof(*res));
}
