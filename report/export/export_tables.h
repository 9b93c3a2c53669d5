/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * export_tables.h - kdelay-report --export tables -o DIR: captures as tidy
 * CSV tables for a query engine (DuckDB, Spark, Trino, ClickHouse), one
 * row per fact, every row carrying its capture's identity.  Columns and
 * types: docs/tables.md (KDR_TABLES_VERSION).
 *
 * The numbers are the report's own: each capture goes through
 * kdr_report_file() with the tables sink (export_tables.c) in place of
 * the text or JSON one, so a thread's counts are those the text report
 * prints.  Captures are read by one worker per usable CPU, each holding
 * one capture at a time (export_tables_run.c): memory does not grow with
 * their number.
 */
#ifndef KDELAY_REPORT_EXPORT_TABLES_H
#define KDELAY_REPORT_EXPORT_TABLES_H

#include <stddef.h>
#include <stdio.h>

#include "report_options.h"
#include "walltime.h"

/* Bumped on any change of a column's name, type or meaning (additions at
 * the end of a table included): the captures table carries it. */
#define KDR_TABLES_VERSION 1

/*
 * Export the captures named by inputs (files, "-" for standard input, or
 * folders, whose regular files not starting with '.' are read in name
 * order) to the folder dir, made whole in a temporary folder beside it
 * and renamed into place (export_tables_dir.c says what happens to a dir
 * that exists).  o's filters apply to every capture (--tid, --thread,
 * --syscall, --window, --time-range); intervals adds intervals.csv.
 *
 * Returns 0, KDR_EXIT_INCOMPLETE (written; a capture was incomplete, said
 * on err), or an EX_* code after one line on err: then dir is as it was.
 */
int kdr_export_tables(const char *const *inputs, size_t ninputs, const char *dir, int intervals,
		      const struct kdr_options *o, FILE *err);

/* ------------------------------------------------------------ internal */

enum kdr_table {
	KDR_T_CAPTURES,
	KDR_T_WINDOWS,
	KDR_T_THREADS,
	KDR_T_SYSCALLS,
	KDR_T_IRQS,
	KDR_T_INTERVALS,
	KDR_T_N
};

/* File name and header line of each table (export_tables.c). */
struct kdr_table_def {
	const char *file;
	const char *header;
};
extern const struct kdr_table_def kdr_table_defs[KDR_T_N];

/* The open tables, and the capture being exported. */
struct kdr_tables {
	FILE *f[KDR_T_N]; /* NULL: not written (intervals unless asked) */
	char *id;	  /* the current capture's identity columns, as CSV */
	size_t id_len;
	const char *file; /* the current capture as given */
	struct kdr_walltime wt;
	FILE *err;
};

/* The intervals of the capture at path, after kdr_report_file() wrote its
 * other rows with o->tables = t (so its identity is known): the exports'
 * timeline (export_internal.h).  The codes of kdr_report_file(). */
int kdr_tables_intervals(struct kdr_tables *t, const char *path, const struct kdr_options *o);

/* The output folder (export_tables_dir.c). */

struct kdr_tables_dir {
	const char *path; /* DIR as given */
	char *tmp;	  /* the folder being written, beside DIR */
	int fd;		  /* of tmp */
};

/* Refuse DIR when it cannot be replaced safely (a link, not a folder, a
 * folder with other files than tables), then create the temporary folder.
 * 0, or EX_CANTCREAT / EX_OSERR after one line on err. */
int kdr_tables_dir_open(struct kdr_tables_dir *d, const char *path, FILE *err);
/* Create file name in the temporary folder (exclusively), for writing
 * and reading back. */
FILE *kdr_tables_dir_file(struct kdr_tables_dir *d, const char *name, FILE *err);
/* Put the temporary folder in DIR's place (the files are closed).  0, or
 * an EX_* code after one line on err (DIR then stays as it was). */
int kdr_tables_dir_commit(struct kdr_tables_dir *d, FILE *err);
/* Remove the temporary folder and what it holds; DIR stays as it was. */
void kdr_tables_dir_discard(struct kdr_tables_dir *d);
/* Is name one of the files an export writes? */
int kdr_tables_is_table(const char *name);

#endif /* KDELAY_REPORT_EXPORT_TABLES_H */
