/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diff_internal.h - what the parts of `kdelay-report diff` share:
 *   diff_load.c  one capture -> per-role histograms (through the export
 *                timeline core of export_internal.h)
 *   diff_expr.c  --fail-if parsing and evaluation
 *   diff_out.c   the text table and the JSON document
 *   diff.c       arguments, and the three above in order
 * Not part of the report's public API; the unit tests use it.
 */
#ifndef KDR_DIFF_INTERNAL_H
#define KDR_DIFF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diff.h"
#include "hist.h"

#define KDR_DIFF_SCHEMA_VERSION 1
#define KDR_DIFF_PREFIX "kdelay-report: diff: "

/* ------------------------------------------------------------ statistics */

/* One syscall's distribution within a group. */
struct kdr_diff_sys {
	uint32_t nr;	/* in the capture's table */
	char *name;	/* the table's name, or "syscall_NR" */
	struct kdr_hist h;
};

/* A role (threads whose names differ only by a numeric suffix), or all
 * the threads of the capture together. */
struct kdr_diff_group {
	char *role;	   /* NUL-terminated; may hold any other byte */
	size_t role_len;
	uint32_t nthreads; /* threads of the capture with this role */
	struct kdr_hist run, ready;
	struct kdr_hist sys_all; /* every syscall together */
	struct kdr_diff_sys *sys; /* sorted by name after loading */
	size_t nsys, sys_cap;
};

/* What one capture holds, over all its kept (not skipped) windows. */
struct kdr_diff_side {
	const char *label; /* "base" or "new" */
	const char *path;
	uint32_t pid;
	char *comm, *hostname;
	uint32_t windows;	  /* windows in the file */
	uint32_t windows_kept;	  /* not skipped: the ones compared */
	uint64_t window_ns;	  /* their summed lengths */
	uint32_t nthreads;
	int incomplete;		  /* truncated, unclosed or corrupt (warned) */
	struct kdr_diff_group all;
	struct kdr_diff_group *roles; /* sorted bytewise by role */
	size_t nroles;
	char **sysnames;	  /* copy of the capture's syscall table */
	uint32_t nsysnames;
};

/*
 * Read the capture at path into *s (label names it in messages).  Returns
 * EX_OK or a sysexits code, said on err.  kdr_diff_side_free() is needed
 * either way.
 */
int kdr_diff_load(struct kdr_diff_side *s, const char *path, const char *label, FILE *err);
void kdr_diff_side_free(struct kdr_diff_side *s);

/* The role of a thread name: the name without its trailing ASCII digits
 * ("revalidator55" -> "revalidator"), the whole name when it is all
 * digits.  Writes the length of the role (a prefix of name) to *len. */
void kdr_diff_role(const char *name, size_t name_len, size_t *len);

/* Order of roles: bytewise, then shorter first (roles may hold NULs). */
int kdr_diff_role_cmp(const char *a, size_t alen, const char *b, size_t blen);
/* The group of role in s (exact bytes), or NULL. */
const struct kdr_diff_group *kdr_diff_find_role(const struct kdr_diff_side *s, const char *role,
						size_t len);
/* The syscall of name in g, or NULL. */
const struct kdr_hist *kdr_diff_find_sys(const struct kdr_diff_group *g, const char *name);
/* Non-zero when name is in s's syscall table (or is "syscall_NR"). */
int kdr_diff_known_syscall(const struct kdr_diff_side *s, const char *name);

/* ------------------------------------------------------------ --fail-if */

enum kdr_diff_stat {
	KDR_DS_COUNT,
	KDR_DS_TOTAL,
	KDR_DS_MIN,
	KDR_DS_MAX,
	KDR_DS_MEAN,
	KDR_DS_P50,
	KDR_DS_P90,
	KDR_DS_P99,
	KDR_DS_P999,
	KDR_DS_N,
};

enum kdr_diff_what {
	KDR_DW_SYSCALLS, /* every syscall together */
	KDR_DW_SYSCALL,	 /* one syscall (or each: name "*") */
	KDR_DW_RUN,
	KDR_DW_READY,
};

enum kdr_diff_thr {
	KDR_DT_PCT,   /* relative change of NEW against BASE, in % */
	KDR_DT_DELTA, /* NEW - BASE */
	KDR_DT_VALUE, /* NEW itself */
};

struct kdr_diff_expr {
	const char *text;     /* as given (borrowed) */
	char *role;	      /* NULL = all threads; "*" = each role */
	enum kdr_diff_what what;
	char *sysname;	      /* KDR_DW_SYSCALL: a name or "*" */
	enum kdr_diff_stat stat;
	char op;	      /* '>' or '<' */
	enum kdr_diff_thr thr;
	double pct;	      /* KDR_DT_PCT, signed */
	int neg;	      /* KDR_DT_DELTA: the threshold is -mag */
	uint64_t mag;	      /* KDR_DT_DELTA, KDR_DT_VALUE: ns or a count */
};

/* Parse text.  0, or -1 with the reason (no prefix, no newline) in msg. */
int kdr_diff_expr_parse(const char *text, struct kdr_diff_expr *e, char *msg, size_t len);
void kdr_diff_expr_free(struct kdr_diff_expr *e);

const char *kdr_diff_stat_name(enum kdr_diff_stat st);
/* The value of st in h (0 for an empty histogram). */
uint64_t kdr_diff_stat_value(const struct kdr_hist *h, enum kdr_diff_stat st);

/* One comparison an expression made. */
struct kdr_diff_check {
	const char *role;	 /* NULL = all threads (points into a side) */
	size_t role_len;
	enum kdr_diff_what what;
	const char *sysname;	 /* KDR_DW_SYSCALL (points into a side) */
	uint64_t base, now;	 /* the statistic in BASE and NEW */
	int crossed;
};

/* The result of one expression over both captures. */
struct kdr_diff_result {
	const struct kdr_diff_expr *e;
	struct kdr_diff_check *checks; /* every comparison made */
	size_t nchecks;
	size_t ncrossed;
};

/*
 * Evaluate e on both sides.  Returns EX_OK, EX_USAGE when a name of e is
 * in neither capture (said in msg: an unknown syscall or role would make
 * a CI check pass silently), or EX_OSERR.
 */
int kdr_diff_eval(const struct kdr_diff_expr *e, const struct kdr_diff_side *base,
		  const struct kdr_diff_side *now, struct kdr_diff_result *res, char *msg,
		  size_t len);
void kdr_diff_result_free(struct kdr_diff_result *res);

/* Relative change in % of now against base: +inf when base is 0 and now
 * is not, 0 when both are 0. */
double kdr_diff_pct(uint64_t base, uint64_t now);

/* ------------------------------------------------------------ output */

int kdr_diff_print_text(FILE *out, const struct kdr_diff_side *base,
			const struct kdr_diff_side *now, const struct kdr_diff_result *res,
			size_t nres);
int kdr_diff_print_json(FILE *out, const struct kdr_diff_side *base,
			const struct kdr_diff_side *now, const struct kdr_diff_result *res,
			size_t nres);
/* "thread handler ready p99" etc.: what a check compared, for messages. */
void kdr_diff_check_label(FILE *f, const struct kdr_diff_result *r,
			  const struct kdr_diff_check *c);

#endif /* KDR_DIFF_INTERNAL_H */
