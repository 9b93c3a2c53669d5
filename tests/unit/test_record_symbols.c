// SPDX-License-Identifier: BSD-2-Clause
/* Helpers that need no BPF: timestamps and numbers as the reference
 * prints them, the generated syscall table, the kallsyms snapshot, ELF
 * symbols and user-address symbolization of this very process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "elfsyms.h"
#include "ksyms.h"
#include "status.h"
#include "syscalls.h"
#include "usyms.h"

static void test_timestamp(void **state)
{
	char buf[96];

	(void)state;
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	/* 2023-06-14T12:52:00.110303Z: the reference's example line */
	status__timestamp(buf, sizeof(buf), 1686747120110303000ull);
	assert_string_equal(buf, " @2023-06-14T14:52:00.110303 (12:52:00 UTC)");
	/* isoformat() omits a zero fraction */
	status__timestamp(buf, sizeof(buf), 1686747120000000999ull);
	assert_string_equal(buf, " @2023-06-14T14:52:00 (12:52:00 UTC)");
}

static void test_thousands(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(status__thousands(buf, sizeof(buf), 0), "0");
	assert_string_equal(status__thousands(buf, sizeof(buf), 999), "999");
	assert_string_equal(status__thousands(buf, sizeof(buf), 1000), "1,000");
	assert_string_equal(status__thousands(buf, sizeof(buf), 184193176), "184,193,176");
	assert_string_equal(status__thousands(buf, sizeof(buf), UINT64_MAX),
			    "18,446,744,073,709,551,615");
}

static void test_syscall_table(void **state)
{
	uint32_t n;
	const char *const *t = syscalls__table(&n);

	(void)state;
	assert_true(n > 300);
#if defined(__x86_64__)
	assert_string_equal(t[0], "read");
	assert_string_equal(syscalls__name(7), "poll");
	assert_string_equal(syscalls__name(202), "futex");
	assert_string_equal(syscalls__name(435), "clone3");
	assert_int_equal(syscalls__nr("getppid"), 110);
#endif
	assert_null(syscalls__name(100000));
	assert_int_equal(syscalls__nr("no_such_syscall"), -1);
}

static void test_ksyms(void **state)
{
	char path[] = "/tmp/kd-ksyms-XXXXXX";
	const char *name, *mod;
	struct ksyms *ks;
	uint64_t start;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("ffffffff81000000 T _stext\n"
	      "ffffffff81000100 t do_one\n"
	      "ffffffff81000200 D some_data\n"
	      "ffffffffc0001000 t mod_func\t[openvswitch]\n"
	      "ffffffff81000180 T do_two\n",
	      f);
	fclose(f);
	ks = ksyms__load(path);
	unlink(path);
	assert_non_null(ks);
	assert_int_equal(ksyms__map_addr(ks, 0xffffffff81000105ull, &name, &start, &mod), 0);
	assert_string_equal(name, "do_one");
	assert_int_equal(start, 0xffffffff81000100ull);
	assert_string_equal(mod, "kernel");
	/* data symbols are not code: the last function before covers it */
	assert_int_equal(ksyms__map_addr(ks, 0xffffffff81000210ull, &name, &start, &mod), 0);
	assert_string_equal(name, "do_two");
	assert_int_equal(ksyms__map_addr(ks, 0xffffffffc0001010ull, &name, &start, &mod), 0);
	assert_string_equal(name, "mod_func");
	assert_string_equal(mod, "openvswitch");
	assert_int_equal(ksyms__map_addr(ks, 0x1000, &name, &start, &mod), -1);
	ksyms__free(ks);
	ksyms__free(NULL);
	assert_null(ksyms__load("/nonexistent/kallsyms"));
}

/* Something with a known name in this executable. */
__attribute__((noinline)) int kd_test_marker_function(int x)
{
	return x * 3 + 1;
}

static void test_elfsyms_self(void **state)
{
	struct elfsyms *e = elfsyms__open("/proc/self/exe");
	uint32_t bid_len;

	(void)state;
	assert_non_null(e);
	assert_true(elfsyms__has_func(e, "kd_test_marker_function"));
	assert_false(elfsyms__has_func(e, "kd_no_such_function"));
	elfsyms__build_id(e, &bid_len);
	assert_true(bid_len == 20 || bid_len == 0);
	elfsyms__free(e);
	elfsyms__free(NULL);
	assert_null(elfsyms__open("/etc/hostname"));
}

static void test_usyms_self(void **state)
{
	struct usyms *u = usyms__new(getpid(), NULL);
	struct kdf_symbol sym;
	char path[4096];
	uint64_t addr = (uint64_t)(uintptr_t)&kd_test_marker_function + 4;

	(void)state;
	assert_non_null(u);
	assert_int_equal(usyms__resolve(u, addr, &sym), 0);
	assert_non_null(sym.name);
	assert_string_equal(sym.name, "kd_test_marker_function");
	assert_int_equal(sym.offset, 4);
	assert_string_equal(sym.module, "test_record_symbols");
	assert_non_null(sym.path);
	assert_int_equal(usyms__resolve(u, 8, &sym), -1);
	/* uprobe resolution: executable first, then libraries */
	assert_int_equal(usyms__find_func(u, "", "kd_test_marker_function", path, sizeof(path)), 0);
	assert_int_equal(usyms__find_func(u, "", "malloc", path, sizeof(path)), 0);
	assert_non_null(strstr(path, "libc"));
	assert_int_equal(usyms__find_func(u, "libc", "malloc", path, sizeof(path)), 0);
	assert_int_not_equal(usyms__find_func(u, "libzzz", "malloc", path, sizeof(path)), 0);
	assert_int_not_equal(usyms__find_func(u, "", "kd_no_such_function", path, sizeof(path)), 0);
	usyms__free(u);
	usyms__free(NULL);
	(void)kd_test_marker_function(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_thousands),
		cmocka_unit_test(test_syscall_table),
		cmocka_unit_test(test_ksyms),
		cmocka_unit_test(test_elfsyms_self),
		cmocka_unit_test(test_usyms_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
