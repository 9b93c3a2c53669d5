// SPDX-License-Identifier: BSD-2-Clause
/*
 * threads.c - how kdelay-sample's threads start and speak: each says it
 * exists and is named ("ready" waits for all), waits at a gate that main
 * opens once the test's start signal came, and writes whole lines.
 */
#include "sample.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <unistd.h>

atomic_int stop_flag;

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* One machine-readable line on stdout, written whole. */
void out(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

pthread_t spawn(void *(*fn)(void *), void *arg)
{
	pthread_t t = 0;
	int err = pthread_create(&t, NULL, fn, arg);

	if (err)
		die(EX_OSERR, "pthread_create: %s", strerror(err));
	return t;
}

static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready_count;

void thread_ready(const char *name)
{
	set_name(name);
	pthread_mutex_lock(&ready_lock);
	ready_count++;
	pthread_cond_broadcast(&ready_cond);
	pthread_mutex_unlock(&ready_lock);
}

void wait_threads_ready(int n)
{
	pthread_mutex_lock(&ready_lock);
	while (ready_count < n)
		pthread_cond_wait(&ready_cond, &ready_lock);
	pthread_mutex_unlock(&ready_lock);
}

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open;

void gate_wait(void)
{
	pthread_mutex_lock(&gate_lock);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

void gate_release(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

void wait_start_signal(void)
{
	if (opt.wait_start) {
		char line[256];

		/* EOF counts as the signal too: a closed pipe must not hang. */
		if (!fgets(line, sizeof(line), stdin) && ferror(stdin))
			die(EX_OSERR, "reading the start line: %s", strerror(errno));
	}
	if (opt.start_file)
		wait_for_file(opt.start_file, &stop_flag);
	if (opt.delay_ms > 0)
		sleep_ms(opt.delay_ms, &stop_flag);
}
