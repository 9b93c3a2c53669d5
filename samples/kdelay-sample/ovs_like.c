// SPDX-License-Identifier: BSD-2-Clause
/*
 * ovs_like.c - kdelay-sample's default mode, shaped like ovs-vswitchd: a main loop
 * with USDT markers, handlers answering upcalls over socket pairs,
 * revalidators contending on a lock, and a quiet urcu thread.
 */
#include "sample.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sdt.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sysexits.h>
#include <time.h>

struct worker {
	char name[32]; /* set_name() keeps 15 characters */
	int fd;	 /* our end of the socket pair */
	int peer; /* main thread's end */
	pid_t tid;
};

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile uint64_t shared_counter;

static void touch_shared(long hold_us)
{
	pthread_mutex_lock(&shared_lock);
	shared_counter++;
	if (hold_us > 0) {
		uint64_t end = now_ns(CLOCK_MONOTONIC) + (uint64_t)hold_us * 1000;
		while (now_ns(CLOCK_MONOTONIC) < end)
			;
	}
	pthread_mutex_unlock(&shared_lock);
}

/* handlerN: poll for upcalls, recvmsg them, sendmsg a reply, take the lock. */
static void *handler_thread(void *p)
{
	struct worker *w = p;
	char buf[256];

	w->tid = gettid_();
	thread_ready(w->name);
	gate_wait();
	while (!atomic_load(&stop_flag)) {
		struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;
		int r = poll(&pfd, 1, 100);

		if (r <= 0)
			continue;
		while ((n = recvmsg(w->fd, &mh, MSG_DONTWAIT)) > 0) {
			iov.iov_len = (size_t)n;
			sendmsg(w->fd, &mh, MSG_DONTWAIT);
			iov.iov_len = sizeof(buf);
			touch_shared(5);
		}
	}
	return NULL;
}

/* revalidatorN: wake up, take the lock for a while (contention), sleep. */
static void *revalidator_thread(void *p)
{
	struct worker *w = p;

	w->tid = gettid_();
	thread_ready(w->name);
	gate_wait();
	while (!atomic_load(&stop_flag)) {
		DTRACE_PROBE(kdelay_sample, revalidate_start);
		for (int i = 0; i < 20; i++)
			touch_shared(50);
		DTRACE_PROBE(kdelay_sample, revalidate_done);
		sleep_ms(20, &stop_flag);
	}
	return NULL;
}

/* urcuN: a quiet thread that mostly sleeps. */
static void *urcu_thread(void *p)
{
	struct worker *w = p;

	w->tid = gettid_();
	thread_ready(w->name);
	gate_wait();
	while (!atomic_load(&stop_flag)) {
		struct pollfd pfd = { .fd = -1 };
		poll(&pfd, 0, 50);
	}
	return NULL;
}

int run_ovs_like(void)
{
	struct worker w[MAX_WORKERS];
	pthread_t t[MAX_WORKERS];
	int nw = 0;
	uint64_t end = 0, period_ns;
	long iteration = 0;
	char msg[64];

	for (int i = 0; i < opt.handlers; i++, nw++) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			die(EX_OSERR, "socketpair: %s", strerror(errno));
		snprintf(w[nw].name, sizeof(w[nw].name), "handler%d", (i + 1) % 1000);
		w[nw].fd = sv[0];
		w[nw].peer = sv[1];
		t[nw] = spawn(handler_thread, &w[nw]);
	}
	for (int i = 0; i < opt.revalidators; i++, nw++) {
		snprintf(w[nw].name, sizeof(w[nw].name), "revalidator%d", (i + opt.handlers + 1) % 1000);
		w[nw].fd = w[nw].peer = -1;
		t[nw] = spawn(revalidator_thread, &w[nw]);
	}
	snprintf(w[nw].name, sizeof(w[nw].name), "urcu%d", (nw + 1) % 1000);
	w[nw].fd = w[nw].peer = -1;
	t[nw] = spawn(urcu_thread, &w[nw]);
	nw++;

	wait_threads_ready(nw);
	for (int i = 0; i < nw; i++)
		out("thread=%s tid=%d", w[i].name, w[i].tid);
	out("ready");
	wait_start_signal();
	out("start");
	gate_release();

	if (opt.duration > 0)
		end = now_ns(CLOCK_MONOTONIC) + (uint64_t)(opt.duration * 1e9);
	period_ns = 1000000000ull / (uint64_t)(opt.rate > 0 ? opt.rate : 1);
	while (!atomic_load(&stop_flag) && (!end || now_ns(CLOCK_MONOTONIC) < end)) {
		uint64_t next = now_ns(CLOCK_MONOTONIC) + period_ns;
		struct pollfd pfd[MAX_WORKERS];
		int np = 0;

		DTRACE_PROBE1(kdelay_sample, run_start, iteration);
		bridge_run((int)iteration);
		/* Send an "upcall" to every handler, collect the replies. */
		for (int i = 0; i < nw; i++) {
			if (w[i].peer < 0)
				continue;
			snprintf(msg, sizeof(msg), "upcall %ld", iteration);
			send(w[i].peer, msg, strlen(msg), MSG_DONTWAIT);
			pfd[np].fd = w[i].peer;
			pfd[np].events = POLLIN;
			np++;
		}
		touch_shared(10);
		DTRACE_PROBE1(kdelay_sample, run_block, iteration);
		{
			uint64_t now = now_ns(CLOCK_MONOTONIC);
			int timeout = next > now ? (int)((next - now) / 1000000) : 0;

			if (poll(pfd, np, timeout) > 0) {
				for (int i = 0; i < np; i++)
					if (pfd[i].revents & POLLIN)
						while (recv(pfd[i].fd, msg, sizeof(msg), MSG_DONTWAIT) > 0)
							;
			}
			now = now_ns(CLOCK_MONOTONIC);
			if (next > now)
				sleep_ms((long)((next - now) / 1000000), &stop_flag);
		}
		iteration++;
	}
	atomic_store(&stop_flag, 1);
	for (int i = 0; i < nw; i++)
		pthread_join(t[i], NULL);
	out("iterations=%ld", iteration);
	return 0;
}
