// SPDX-License-Identifier: BSD-2-Clause
/* Trigger text: the reference's six kinds, its error wording, and "upr". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "trigger.h"

static void ok(const char *text, enum kd_trigger_kind kind, const char *a, const char *b)
{
	struct kd_trigger t;
	char why[256] = "";

	assert_int_equal(trigger__parse(&t, text, why, sizeof(why)), 0);
	assert_int_equal(t.kind, kind);
	assert_string_equal(t.a, a);
	assert_string_equal(t.b, b);
	assert_string_equal(t.text, text);
}

static void bad(const char *text, const char *why_expected)
{
	struct kd_trigger t;
	char why[256] = "";

	assert_int_equal(trigger__parse(&t, text, why, sizeof(why)), -1);
	assert_string_equal(why, why_expected);
}

static void test_kinds(void **state)
{
	(void)state;
	ok("u:udpif_revalidator:start_dump", KD_TRIG_USDT, "udpif_revalidator", "start_dump");
	ok("usdt:p:n", KD_TRIG_USDT, "p", "n");
	ok("t:openvswitch:ovs_dp_upcall", KD_TRIG_TRACE, "openvswitch", "ovs_dp_upcall");
	ok("trace:sched:sched_switch", KD_TRIG_TRACE, "sched", "sched_switch");
	ok("k:ovs_dp_process_packet", KD_TRIG_KPROBE, "", "ovs_dp_process_packet");
	ok("kprobe:f", KD_TRIG_KPROBE, "", "f");
	ok("kr:f", KD_TRIG_KRETPROBE, "", "f");
	ok("kretprobe:f", KD_TRIG_KRETPROBE, "", "f");
	ok("up:bridge_run", KD_TRIG_UPROBE, "", "bridge_run");
	ok("uprobe:bridge_run", KD_TRIG_UPROBE, "", "bridge_run");
	ok("ur:bridge_run", KD_TRIG_URETPROBE, "", "bridge_run");
	/* documented by kernel_delay.rst, rejected by kernel_delay.py */
	ok("upr:bridge_run", KD_TRIG_URETPROBE, "", "bridge_run");
	ok("uretprobe:bridge_run", KD_TRIG_URETPROBE, "", "bridge_run");
	/* kdelay: name the library */
	ok("up:libc:poll", KD_TRIG_UPROBE, "libc", "poll");
	ok("ur:libc:poll", KD_TRIG_URETPROBE, "libc", "poll");
}

static void test_errors(void **state)
{
	(void)state;
	bad("bridge_run", "Can't extract probe type.");
	bad("", "Can't extract probe type.");
	bad("x:foo", "Invalid probe type 'x'");
	bad("U:a:b", "Invalid probe type 'U'");
	bad("u:a", "Invalid number of arguments for USDT");
	bad("u:a:b:c", "Invalid number of arguments for USDT");
	bad("t:sched", "Invalid number of arguments for TRACE");
	bad("k:a:b", "Invalid number of arguments for K(RET)PROBE");
	bad("up:a:b:c", "Invalid number of arguments for U(RET)PROBE");
	bad("up:", "Empty field in uprobe trigger");
	bad("u::b", "Empty field in usdt trigger");
	assert_string_equal(trigger__kind_name(KD_TRIG_KRETPROBE), "kretprobe");
}

static void test_long_fields(void **state)
{
	char text[400];

	(void)state;
	memset(text, 'a', sizeof(text));
	memcpy(text, "up:", 3);
	text[sizeof(text) - 1] = '\0';
	bad(text, "A field is longer than 127 characters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
