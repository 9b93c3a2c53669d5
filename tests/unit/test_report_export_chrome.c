// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_report_export_chrome.c - kdr_export_chrome_json() on the synthetic
 * capture: the exact slices per track (through tests/tools/
 * check_chrome_trace.py, which also proves the file is strict JSON and
 * that every track nests), ends printed as the next start's exact text,
 * metadata, escaping, stacks, the time range and the error paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sysexits.h>

#include "report.h"
#include "test_report_export_synth.h"

#define CHECKER "tests/tools/check_chrome_trace.py"

/* The checker's --dump of a file, or NULL (skip) without python3. */
static char *check_and_dump(const char *path)
{
	char cmd[512], *dump_path = synth_tmp(".dump"), *dump;
	int rc;

	assert_non_null(dump_path);
	if (system("python3 -c 1 >/dev/null 2>&1") != 0 || access(CHECKER, R_OK) != 0) {
		unlink(dump_path);
		free(dump_path);
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "python3 %s %s --dump >%s 2>&1", CHECKER, path, dump_path);
	rc = system(cmd);
	dump = synth_slurp(dump_path, NULL);
	unlink(dump_path);
	free(dump_path);
	if (rc != 0)
		print_message("# checker said:\n%s", dump ? dump : "(nothing)\n");
	assert_int_equal(rc, 0);
	return dump;
}

static const char all_dump[] =
	"main (hardirq)|eth0|400|50\n"
	"main (sched)|ready|100|100\n"
	"main (sched)|running|200|300\n"
	"main (sched)|ready|1500|100\n"
	"main (sched)|running|1600|500\n"
	"main (sched)|ready|2100|300\n"
	"main (sched)|running|2400|7600\n"
	"main (softirq)|timer|1700|50\n"
	"main (syscalls)|read|300|1500\n"
	"main (syscalls)|write|1900|100\n"
	"main (syscalls)|read|3000|100\n"
	"sample windows|window 0|0|10000\n"
	"sample windows|@start trigger|2500\n"
	"w\\\"k\\\\\\u0001\\ufffd</script> (sched)|ready|100|2000\n"
	"w\\\"k\\\\\\u0001\\ufffd</script> (sched)|running|2100|300\n"
	"w\\\"k\\\\\\u0001\\ufffd</script> (syscalls)|poll|0|2200\n"
	"w\\\"k\\\\\\u0001\\ufffd</script> (syscalls)|write|2300|7700\n";

static void test_slices(void **state)
{
	char *out, *path, *dump;

	(void)state;
	assert_int_equal(synth_export(kdr_export_chrome_json, 0, NULL, &out, &path, NULL), EX_OK);
	dump = check_and_dump(path);
	if (dump) {
		assert_string_equal(dump, all_dump);
		free(dump);
	}
	/* Out-of-order delivery changes nothing. */
	unlink(path);
	free(path);
	free(out);
	assert_int_equal(synth_export(kdr_export_chrome_json, SYNTH_SHUFFLE, NULL, &out, &path, NULL),
			 EX_OK);
	dump = check_and_dump(path);
	if (dump) {
		assert_string_equal(dump, all_dump);
		free(dump);
	}
	unlink(path);
	free(path);
	free(out);
}

static void test_content(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(synth_export(kdr_export_chrome_json, 0, NULL, &out, NULL, NULL), EX_OK);
	/* Wall clock of t = 0 from the mono/realtime pair. */
	assert_non_null(strstr(out, "\"ts_origin_realtime_ns\":1700000000000001000"));
	assert_non_null(strstr(out, "\"ts_origin_utc\":\"2023-11-14T22:13:20.000001000Z\""));
	assert_non_null(strstr(out, "\"hostname\":\"node<1>\""));
	assert_non_null(strstr(out, "\"args\":{\"name\":\"synthd (pid 100)\"}"));
	/* Any byte of a name: escaped, \xff read as Latin-1. */
	assert_non_null(strstr(out, "\"name\":\"w\\\"k\\\\\\u0001\\ufffd</script> (sched)\""));
	/* Stacks innermost first, symbolized with the capture's symbols. */
	assert_non_null(strstr(out, "\"ret\":42,\"kernel_stack\":[\"do_syscall_64+0x10 [kernel]\","
				    "\"entry_SYSCALL_64+0x20 [kernel]\"],\"user_stack\":["
				    "\"0x7f0000001000 [libc.so.6]\",\"loop+0x8 [synthd]\","
				    "\"main+0x4 [synthd]\"]"));
	assert_non_null(strstr(out, "\"user_stack_lost\":true"));
	assert_non_null(strstr(out, "\"nr\":1,\"unfinished\":true"));
	assert_non_null(strstr(out, "\"reason\":\"preempted\""));
	assert_non_null(strstr(out, "\"name\":\"eth0\",\"cat\":\"hardirq\""));
	/* Lanes of one thread sort together, in name order. */
	assert_non_null(strstr(out, "\"tid\":101,\"args\":{\"sort_index\":5}"));
	assert_non_null(strstr(out, "\"tid\":4194405,\"args\":{\"sort_index\":6}"));
	/* Thread 103 has no event: no track. */
	assert_null(strstr(out, "idle"));
	free(out);
}

static void test_range_and_filter(void **state)
{
	static const uint32_t tids[] = { 101 };
	struct kdr_export_opts o = { .time_from_ns = 1000, .time_to_ns = 2050, .tids = tids,
				     .tid_count = 1 };
	char *out, *path, *dump;

	(void)state;
	assert_int_equal(synth_export(kdr_export_chrome_json, 0, &o, &out, &path, NULL), EX_OK);
	dump = check_and_dump(path);
	if (dump) {
		/* Times stay relative to the first window: a range does not
		 * move the axis. */
		assert_string_equal(dump, "main (sched)|ready|1500|100\n"
					  "main (sched)|running|1600|450\n"
					  "main (softirq)|timer|1700|50\n"
					  "main (syscalls)|read|1000|800\n"
					  "main (syscalls)|write|1900|100\n"
					  "sample windows|window 0|1000|1050\n");
		free(dump);
	}
	assert_non_null(strstr(out, "\"time_from_ns\":1000,\"time_to_ns\":2050"));
	unlink(path);
	free(path);
	free(out);
}

static void test_incomplete(void **state)
{
	char *out, *path, *err, *dump;

	(void)state;
	/* No summary: everything exported, status and warning say so. */
	assert_int_equal(synth_export(kdr_export_chrome_json, SYNTH_NO_SUMMARY, NULL, &out, &path,
				      &err),
			 KDR_EXIT_INCOMPLETE);
	assert_non_null(strstr(err, "capture incomplete"));
	dump = check_and_dump(path);
	if (dump) {
		assert_string_equal(dump, all_dump);
		free(dump);
	}
	unlink(path);
	free(path);
	free(out);
	free(err);
}

/* A slice is a B and an E event whose ts are printed from integer ns: the
 * end of main's first ready slice and the start of its running slice are
 * the same text, so no viewer can see one end after the other begins. */
static void test_exact_ends(void **state)
{
	char *out, *p;

	(void)state;
	assert_int_equal(synth_export(kdr_export_chrome_json, 0, NULL, &out, NULL, NULL), EX_OK);
	p = strstr(out, "{\"ph\":\"B\",\"pid\":100,\"tid\":101,\"ts\":0.100,\"name\":\"ready\"");
	assert_non_null(p);
	p = strstr(p, "\n{\"ph\":\"E\",\"pid\":100,\"tid\":101,\"ts\":0.200,\"name\":\"ready\"}");
	assert_non_null(p);
	assert_non_null(strstr(p, "{\"ph\":\"B\",\"pid\":100,\"tid\":101,\"ts\":0.200,"
				  "\"name\":\"running\""));
	/* The window: a begin with its args, an end at its end. */
	assert_non_null(strstr(out, "{\"ph\":\"B\",\"pid\":100,\"tid\":20971520,\"ts\":0.000,"
				    "\"name\":\"window 0\",\"cat\":\"window\",\"args\":{"));
	assert_non_null(strstr(out, "{\"ph\":\"E\",\"pid\":100,\"tid\":20971520,\"ts\":10.000,"
				    "\"name\":\"window 0\"}"));
	/* No complete event and no floating-point duration is left. */
	assert_null(strstr(out, "\"ph\":\"X\""));
	assert_null(strstr(out, "\"dur\""));
	free(out);
}

static void test_errors(void **state)
{
	struct kdr_export_opts o = { 0 };
	char *cap = synth_tmp(".kdelay");
	FILE *err = tmpfile();
	int rc;

	(void)state;
	assert_non_null(cap);
	assert_non_null(err);
	o.err = err;
	o.out = fopen("/dev/full", "w");
	assert_int_equal(synth_write(cap, 0), 0);
	if (o.out) {
		/* A full disk is EX_IOERR, never a silent truncation. */
		rc = kdr_export_chrome_json(cap, &o);
		assert_int_equal(rc, EX_IOERR);
		fclose(o.out);
	}
	o.out = tmpfile();
	assert_int_equal(kdr_export_chrome_json("/nonexistent.kdelay", &o), EX_NOINPUT);
	/* Not a capture: a text file longer than a file header. */
	{
		FILE *f = fopen(cap, "w");

		assert_non_null(f);
		fputs("root:x:0:0:root:/root:/bin/bash\n", f);
		fclose(f);
	}
	assert_int_equal(kdr_export_chrome_json(cap, &o), EX_DATAERR);
	fclose(o.out);
	fclose(err);
	unlink(cap);
	free(cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slices),	   cmocka_unit_test(test_content),
		cmocka_unit_test(test_range_and_filter), cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_exact_ends), cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
