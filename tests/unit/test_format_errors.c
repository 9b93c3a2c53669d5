// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_format_errors.c - the errors a user sees: not a capture, a newer
 * version, a missing file (exact one-line messages); and the writer's:
 * bad arguments, a full disk (KDF_E_IO with errno kept, and never a
 * partial chunk left in the file).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "helpers/kdf_test_capture.h"
#include "kdelay_format.h"
#include "kdf_testing.h"

static void expect_open_error(const void *buf, size_t len, int want_err, const char *want_msg)
{
	char msg[256];
	int err = 12345;
	struct kdf_reader *r = kdf_reader_open_mem(buf, len, NULL, NULL, &err, msg, sizeof(msg));

	assert_null(r);
	assert_int_equal(err, want_err);
	assert_string_equal(msg, want_msg);
}

static void test_bad_magic(void **state)
{
	static const char text[] = "#!/bin/sh\necho this is not a capture\n";
	static const uint8_t perf_data[] = "PERFILE2\x68\0\0\0\0\0\0\0";

	(void)state;
	expect_open_error(text, sizeof(text) - 1, KDF_E_NOT_CAPTURE,
			  "not a kdelay capture (bad magic)");
	expect_open_error(perf_data, 16, KDF_E_NOT_CAPTURE, "not a kdelay capture (bad magic)");
	expect_open_error("x", 1, KDF_E_NOT_CAPTURE, "not a kdelay capture (bad magic)");
	expect_open_error("", 0, KDF_E_NOT_CAPTURE, "not a kdelay capture (empty file)");
	expect_open_error(NULL, 0, KDF_E_NOT_CAPTURE, "not a kdelay capture (empty file)");
}

static void test_newer_major(void **state)
{
	size_t len;
	uint8_t *buf = kdf_test_capture_build(0, &len);

	(void)state;
	buf[8] = 2;
	buf[10] = 0;
	expect_open_error(buf, len, KDF_E_VERSION,
			  "capture format version 2.0 is newer than this kdelay-report supports "
			  "(1.x); upgrade kdelay");
	buf[8] = 0xff;
	buf[9] = 0xff;
	buf[10] = 3;
	expect_open_error(buf, len, KDF_E_VERSION,
			  "capture format version 65535.3 is newer than this kdelay-report "
			  "supports (1.x); upgrade kdelay");
	buf[8] = 0;
	buf[9] = 0;
	expect_open_error(buf, len, KDF_E_VERSION,
			  "capture format version 0.3 is older than this kdelay-report supports "
			  "(1.x)");
	free(buf);
}

static void test_first_chunk_not_meta(void **state)
{
	size_t len;
	uint8_t *buf = kdf_test_capture_build(0, &len);
	uint64_t offs[9];

	(void)state;
	kdf_test_chunk_offsets(buf, len, offs, 8);
	/* Drop META: the file header is followed by STRINGS. */
	memmove(buf + 16, buf + offs[1], len - offs[1]);
	expect_open_error(buf, len - (offs[1] - 16), KDF_E_CORRUPT,
			  "capture damaged: first chunk is STRINGS, not META");
	free(buf);
}

static void test_open_path(void **state)
{
	char path[] = "/tmp/kdelay-format-test-XXXXXX", msg[256];
	struct kdf_reader *r;
	struct kdf_item item;
	size_t len, n = 0;
	uint8_t *buf = kdf_test_capture_build(0, &len);
	int fd = mkstemp(path), err;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	r = kdf_reader_open(path, NULL, NULL, &err, msg, sizeof(msg));
	assert_non_null(r);
	while (kdf_reader_next(r, &item) > 0)
		n++;
	assert_int_equal(n, 7);
	kdf_reader_close(r);
	unlink(path);

	r = kdf_reader_open("/nonexistent/x.kdelay", NULL, NULL, &err, msg, sizeof(msg));
	assert_null(r);
	assert_int_equal(err, KDF_E_IO);
	assert_string_equal(msg, "cannot open /nonexistent/x.kdelay: No such file or directory");

	/* A file in the writer's own format, by path. */
	struct kdf_writer *w = kdf_writer_open(path, kdf_test_meta(), 0, &err);

	assert_non_null(w);
	assert_int_equal(kdf_writer_close(w, NULL), KDF_OK);
	r = kdf_reader_open(path, NULL, NULL, &err, NULL, 0);
	assert_non_null(r);
	assert_int_equal(kdf_reader_next(r, &item), 1);
	assert_int_equal(item.type, KDF_ITEM_SUMMARY);
	kdf_reader_close(r);
	unlink(path);
	free(buf);
}

static void test_writer_bad_arguments(void **state)
{
	struct kdf_meta meta = *kdf_test_meta();
	struct kdf_test_sink *sink;
	struct kdf_writer *w;
	struct kdf_event ev = { .type = 0 };
	size_t len;
	int err;

	(void)state;
	assert_null(kdf_writer_fdopen(-1, &meta, 0, &err));
	assert_int_equal(err, KDF_E_INVAL);
	assert_null(kdf_writer_open("/tmp/x", NULL, 0, &err));
	assert_int_equal(err, KDF_E_INVAL);
	meta.syscall_names = NULL;
	assert_null(kdf_test_writer_open_err(&meta, 0, &sink, &err));
	assert_int_equal(err, KDF_E_INVAL);

	w = kdf_test_writer_open(NULL, &sink);
	assert_int_equal(kdf_writer_event(w, &ev), KDF_E_INVAL);
	ev.type = KDF_EV_TYPE_MAX + 1;
	assert_int_equal(kdf_writer_event(w, &ev), KDF_E_INVAL);
	assert_int_equal(kdf_writer_event(w, NULL), KDF_E_INVAL);
	assert_int_equal(kdf_writer_thread(w, NULL), KDF_E_INVAL);
	assert_int_equal(kdf_writer_window(w, NULL), KDF_E_INVAL);
	assert_int_equal(kdf_writer_symbols(w, NULL, 1), KDF_E_INVAL);
	assert_int_equal(kdf_writer_symbols(w, NULL, 0), KDF_OK);
	assert_int_equal(kdf_writer_stack(w, NULL, 3), 0);
	assert_int_equal(kdf_writer_intern(w, NULL, 3), 0);
	/* Refused calls left the writer working. */
	ev.type = KDF_EV_SYS_ENTER;
	assert_int_equal(kdf_writer_event(w, &ev), KDF_OK);
	assert_int_equal(kdf_writer_events(w), 1);
	free(kdf_test_writer_finish(w, sink, NULL, &len));
	assert_int_equal(kdf_writer_close(NULL, NULL), KDF_E_INVAL);
	kdf_writer_abort(NULL);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int e = 0; e >= -7; e--)
		assert_non_null(kdf_strerror(e));
	assert_string_equal(kdf_strerror(KDF_E_NOMEM), "out of memory");
	assert_string_equal(kdf_strerror(-100), "unknown error");
}

static void test_disk_full_at_open(void **state)
{
	int err;

	(void)state;
	errno = 0;
	assert_null(kdf_writer_open("/dev/full", kdf_test_meta(), 0, &err));
	assert_int_equal(err, KDF_E_IO);
	assert_int_equal(errno, ENOSPC);
}

/*
 * The disk fills up mid-recording (RLIMIT_FSIZE, in a child process):
 * the writer reports KDF_E_IO with errno EFBIG, keeps reporting it, and
 * the file ends on its last whole chunk, so the reader finds no damage.
 */
static void test_disk_full_mid_stream(void **state)
{
	char path[] = "/tmp/kdelay-format-full-XXXXXX";
	int fd = mkstemp(path), status;
	pid_t pid;

	(void)state;
	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = { 300000, 300000 };
		struct kdf_writer *w;
		uint32_t i;
		int err, rc = 0;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &lim);
		w = kdf_writer_fdopen(fd, kdf_test_meta(), 0, &err);
		if (!w)
			_exit(10);
		kdf_writer_set_uncompressed(w, 1);
		for (i = 0; i < 1000000 && !rc; i++) {
			struct kdf_event ev = { .ts = (uint64_t)i * 977, .tid = i % 5000,
						.type = KDF_EV_SYS_EXIT,
						.u.sys = { .nr = i, .ret = (int32_t)i * 7 } };

			rc = kdf_writer_event(w, &ev);
		}
		if (rc != KDF_E_IO || errno != EFBIG)
			_exit(11);
		errno = 0;
		if (kdf_writer_event(w, &(struct kdf_event){ .type = 1 }) != KDF_E_IO ||
		    errno != EFBIG)
			_exit(12);
		if (kdf_writer_flush(w) != KDF_E_IO)
			_exit(13);
		if (kdf_writer_close(w, NULL) != KDF_E_IO || errno != EFBIG)
			_exit(14);
		_exit(0);
	}
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* Read it back: whole chunks only, no truncation, no bad chunk. */
	struct kdf_test_result res;
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(400000);
	size_t len = fread(buf, 1, 400000, f);

	fclose(f);
	assert_true(len > 16 && len <= 300000);
	assert_int_equal(kdf_test_read_all(buf, len, &res), KDF_OK);
	assert_true(res.nevents > 0);
	assert_false(res.stats.truncated);
	assert_int_equal(res.stats.chunks_bad, 0);
	assert_int_equal(res.nwarnings, 1);
	assert_true(kdf_test_find_warning(&res, "no summary chunk") >= 0);
	for (size_t i = 0; i < res.nevents; i++)
		assert_int_equal(res.events[i].u.sys.nr, i);
	kdf_test_result_free(&res);
	free(buf);
	unlink(path);
}

/*
 * A capture appended to a file that already holds data (O_APPEND): a
 * failed write cuts back only the capture's partial chunk, never the
 * bytes that were there before.
 */
static void test_disk_full_keeps_earlier_content(void **state)
{
	char path[] = "/tmp/kdelay-format-append-XXXXXX";
	int fd = mkstemp(path), status;
	char before[1000];
	pid_t pid;

	(void)state;
	assert_true(fd >= 0);
	memset(before, 'B', sizeof(before));
	assert_int_equal(write(fd, before, sizeof(before)), (ssize_t)sizeof(before));
	close(fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = { 3000, 3000 };
		struct kdf_writer *w;
		int err, rc = 0;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &lim);
		fd = open(path, O_WRONLY | O_APPEND);
		w = kdf_writer_fdopen(fd, kdf_test_meta(), 0, &err);
		if (!w)
			_exit(10);
		kdf_writer_set_uncompressed(w, 1);
		for (uint32_t i = 0; i < 100000 && !rc; i++)
			rc = kdf_writer_event(w, &(struct kdf_event){ .ts = i, .tid = i,
								     .type = KDF_EV_SYS_ENTER });
		_exit(rc == KDF_E_IO && kdf_writer_close(w, NULL) == KDF_E_IO ? 0 : 11);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	uint8_t buf[4000];
	FILE *f = fopen(path, "rb");
	size_t len = fread(buf, 1, sizeof(buf), f);
	struct kdf_test_result res;

	fclose(f);
	unlink(path);
	/* Earlier bytes intact, then our header and META, nothing partial. */
	assert_true(len > sizeof(before) + 16 && len <= 3000);
	assert_memory_equal(buf, before, sizeof(before));
	assert_int_equal(kdf_test_read_all(buf + sizeof(before), len - sizeof(before), &res),
			 KDF_OK);
	assert_false(res.stats.truncated);
	kdf_test_result_free(&res);
}

/* A writer given a pipe: works, nothing needs seeking. */
static void test_writer_to_pipe(void **state)
{
	int p[2], err;
	struct kdf_writer *w;
	struct kdf_event ev = { .ts = 1, .tid = 2, .type = KDF_EV_SYS_ENTER };
	uint8_t buf[4096];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	w = kdf_writer_fdopen(p[1], kdf_test_meta(), 0, &err);
	assert_non_null(w);
	assert_int_equal(kdf_writer_event(w, &ev), KDF_OK);
	assert_int_equal(kdf_writer_close(w, NULL), KDF_OK);
	n = read(p[0], buf, sizeof(buf));
	close(p[0]);
	assert_true(n > 16);
	struct kdf_test_result res;

	assert_int_equal(kdf_test_read_all(buf, (size_t)n, &res), KDF_OK);
	assert_int_equal(res.nevents, 1);
	assert_true(res.has_summary);
	kdf_test_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_newer_major),
		cmocka_unit_test(test_first_chunk_not_meta),
		cmocka_unit_test(test_open_path),
		cmocka_unit_test(test_writer_bad_arguments),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_disk_full_at_open),
		cmocka_unit_test(test_disk_full_mid_stream),
		cmocka_unit_test(test_disk_full_keeps_earlier_content),
		cmocka_unit_test(test_writer_to_pipe),
	};

	return cmocka_run_group_tests_name("format_errors", tests, NULL, NULL);
}
