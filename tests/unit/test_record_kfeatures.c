// SPDX-License-Identifier: BSD-2-Clause
/* The kernel-feature check: one line naming what is missing and since
 * which Linux version it exists; nothing when all is there or unknown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <cmocka.h>

#include "kfeatures.h"

/* The verdict on f, and what it printed. */
static int verdict(const struct kd_kfeatures *f, char *out, size_t size)
{
	FILE *err = fmemopen(out, size, "w");
	int rc;

	assert_non_null(err);
	memset(out, 0, size);
	rc = kfeatures__verdict(f, err);
	fclose(err);
	return rc;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_all_present_or_unknown(void **state)
{
	struct kd_kfeatures f = { .btf = 1, .tracing = 1, .ringbuf = 1 };
	struct kd_kfeatures unknown = { .btf = 1, .tracing = -1, .ringbuf = -95 };
	char out[1024];

	(void)state;
	assert_int_equal(verdict(&f, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(verdict(&unknown, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_each_missing(void **state)
{
	struct kd_kfeatures f = { .btf = 1, .tracing = 1, .ringbuf = 0 };
	char out[1024];

	(void)state;
	assert_int_equal(verdict(&f, out, sizeof(out)), EX_UNAVAILABLE);
	assert_string_equal(out, "ERROR: this kernel lacks the BPF ring buffer (Linux 5.8 or later); "
				 "kdelay needs a kernel that has it\n");
	f.ringbuf = 1;
	f.tracing = 0;
	assert_int_equal(verdict(&f, out, sizeof(out)), EX_UNAVAILABLE);
	assert_string_equal(out, "ERROR: this kernel lacks BPF tp_btf programs (Linux 5.5 or later); "
				 "kdelay needs a kernel that has it\n");
}

static void test_old_kernel_one_line(void **state)
{
	struct kd_kfeatures f = { .btf = 0, .tracing = 0, .ringbuf = 0 };
	char out[1024];

	(void)state;
	assert_int_equal(verdict(&f, out, sizeof(out)), EX_UNAVAILABLE);
	assert_int_equal(lines(out), 1);
	assert_non_null(strstr(out, "CONFIG_DEBUG_INFO_BTF, Linux 5.4 or later"));
	assert_non_null(strstr(out, "tp_btf programs (Linux 5.5 or later)"));
	assert_non_null(strstr(out, "ring buffer (Linux 5.8 or later)"));
	assert_non_null(strstr(out, "that has them\n"));
}

/* This machine's kernel (the tests need BPF) has all three. */
static void test_probe_this_kernel(void **state)
{
	struct kd_kfeatures f;

	(void)state;
	kfeatures__probe(&f, "/sys/kernel/btf/vmlinux");
	assert_int_equal(f.btf, 1);
	assert_int_equal(f.tracing, 1);
}

/* A BTF path that does not exist reads as "no BTF", said in one line. */
static void test_probe_missing_btf(void **state)
{
	struct kd_kfeatures f;
	char out[1024];

	(void)state;
	kfeatures__probe(&f, "/nonexistent/kdelay-test/vmlinux");
	assert_int_equal(f.btf, 0);
	assert_int_equal(verdict(&f, out, sizeof(out)), EX_UNAVAILABLE);
	assert_int_equal(lines(out), 1);
	assert_non_null(strstr(out, "ERROR: this kernel lacks BTF (/sys/kernel/btf/vmlinux"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_present_or_unknown),
		cmocka_unit_test(test_each_missing),
		cmocka_unit_test(test_old_kernel_one_line),
		cmocka_unit_test(test_probe_this_kernel),
		cmocka_unit_test(test_probe_missing_btf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
