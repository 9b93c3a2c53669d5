// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_export_html.c - kdr_export_html() on the synthetic capture:
 * the page is self-contained (no URL, every template marker replaced),
 * names cannot break out of the data element, and the aggregates the
 * page draws (budgets, histograms, slowest syscalls, timeline) hold the
 * exact values the events imply.  The browser check is
 * tests/e2e/40-export-html.sh.
 *
 * Also a tool for that e2e test:
 *   test_report_export_html --write-capture PATH   the synthetic capture
 *   test_report_export_html --write-html PATH      its page
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sysexits.h>

#include "test_report_export_synth.h"

/* The JSON inside <script id="kdelay-data">, NUL-terminated in place. */
static char *data_of(char *page)
{
	char *d = strstr(page, "<script type=\"application/json\" id=\"kdelay-data\">"), *end;

	assert_non_null(d);
	d = strchr(d, '>') + 1;
	end = strstr(d, "</script>");
	assert_non_null(end);
	*end = '\0';
	return d;
}

static void test_self_contained(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(synth_export(kdr_export_html, 0, NULL, &out, NULL, NULL), EX_OK);
	assert_memory_equal(out, "<!DOCTYPE html>", 15);
	assert_null(strstr(out, "http://"));
	assert_null(strstr(out, "https://"));
	assert_null(strstr(out, "@@"));
	assert_null(strstr(out, " src="));
	assert_non_null(strstr(out, "<title>kdelay: synthd (pid 100)</title>"));
	assert_non_null(strstr(out, "Content-Security-Policy"));
	assert_non_null(strstr(out, "id=\"timeline-canvas\""));
	assert_non_null(strstr(out, "setAttribute('data-ready', '1')"));
	assert_non_null(strstr(out, "</html>\n"));
	free(out);
}

static void test_data(void **state)
{
	char *out, *d;

	(void)state;
	assert_int_equal(synth_export(kdr_export_html, 0, NULL, &out, NULL, NULL), EX_OK);
	d = data_of(out);
	/* Nothing in the data can close or open an element. */
	assert_null(strchr(d, '<'));
	assert_non_null(strstr(d, "\"name\":\"w\\\"k\\\\\\u0001\\ufffd\\u003c/script\\u003e\""));
	assert_non_null(strstr(d, "\"host\":\"node\\u003c1\\u003e\""));
	assert_non_null(strstr(d, "\"threads\":[{\"tid\":103,\"name\":\"idle\"},"
				  "{\"tid\":101,\"name\":\"main\"},"));
	/* Budgets, window 0..10000, the text report's --budget classes:
	 * main ran 200..400, 450..500, 1600..1700, 1750..2100, 2400..10000
	 * (8300), in a hard irq 400..450, a soft irq 1700..1750, was ready
	 * 100..200, 1500..1600, 2100..2400 (500), blocked in read 500..1500;
	 * before its first event (a wakeup) unknown 0..100.  102 ran
	 * 2100..2400, blocked in write 2400..10000, unknown before its
	 * first event (a switch-in) 0..2100.  Each adds up to 10000. */
	assert_non_null(strstr(d, "\"budget\":[[1,8300,500,50,50,[[2,1000]],0,100],"
				  "[2,300,0,0,0,[[4,7600]],0,2100]]"));
	assert_non_null(strstr(d, "\"labels\":[\"eth0\",\"timer\",\"read\",\"poll\",\"write\"]"));
	/* Histograms of complete intervals only (the unfinished run of main
	 * and 102's open-start ready are not counted). */
	assert_non_null(strstr(d, "{\"t\":1,\"kind\":\"ready\",\"name\":-1,\"count\":3,\"total\":500,"
				  "\"max\":300,\"b\":[[6,2],[8,1]]}"));
	assert_non_null(strstr(d, "{\"t\":1,\"kind\":\"syscall\",\"name\":2,\"count\":2,"
				  "\"total\":1600,\"max\":1500,\"b\":[[6,1],[10,1]]}"));
	assert_null(strstr(d, "{\"t\":2,\"kind\":\"ready\""));
	/* Slowest first, the unfinished write on top, with stacks. */
	assert_non_null(strstr(d, "\"slowest\":[\n{\"t\":2,\"name\":4,\"nr\":1,\"start\":2300,"
				  "\"dur\":7700,\"ret\":0,\"unfinished\":true"));
	assert_non_null(strstr(d, "\"kstack\":[\"do_syscall_64+0x10 [kernel]\","
				  "\"entry_SYSCALL_64+0x20 [kernel]\"],\"ustack\":["
				  "\"0x7f0000001000 [libc.so.6]\",\"loop+0x8 [synthd]\","
				  "\"main+0x4 [synthd]\"]"));
	/* Timeline rows: [kind, start, dur, label, flags] per slice. */
	assert_non_null(strstr(d, "{\"t\":2,\"s\":[2,0,2200,3,52,1,100,2000,-1,1,0,2100,300,-1,0,"
				  "2,2300,7700,4,2]}"));
	assert_non_null(strstr(d, "\"timeline\":{\"from\":0,\"to\":10000,\"max\":250000,"
				  "\"dropped\":0,"));
	free(out);
}

static void test_slice_cap(void **state)
{
	struct kdr_export_opts o = { .html_max_slices = 3 };
	char *out, *d;

	(void)state;
	/* 15 slices, 3 kept for the timeline; aggregates still see all. */
	assert_int_equal(synth_export(kdr_export_html, 0, &o, &out, NULL, NULL), EX_OK);
	d = data_of(out);
	assert_non_null(strstr(d, "\"max\":3,\"dropped\":12,"));
	assert_non_null(strstr(d, "[1,8300,500,50,50,"));
	free(out);
}

static int write_html(const char *path)
{
	struct kdr_export_opts o = { 0 };
	char *cap = synth_tmp(".kdelay");
	int rc;

	if (!cap || synth_write(cap, 0))
		return EX_SOFTWARE;
	o.out = fopen(path, "w");
	if (!o.out)
		return EX_CANTCREAT;
	rc = kdr_export_html(cap, &o);
	if (fclose(o.out) && rc == EX_OK)
		rc = EX_IOERR;
	unlink(cap);
	free(cap);
	return rc;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_contained),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_slice_cap),
	};

	if (argc == 3 && !strcmp(argv[1], "--write-capture"))
		return synth_write(argv[2], 0) ? EX_CANTCREAT : EX_OK;
	if (argc == 3 && !strcmp(argv[1], "--write-html"))
		return write_html(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
