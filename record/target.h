/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * target.h - which process to trace: -p PID, --comm NAME, the single
 * running ovs-vswitchd, or a COMMAND started and held until BPF is ready.
 */
#ifndef KD_TARGET_H
#define KD_TARGET_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct kd_target {
	pid_t pid;	     /* tgid */
	char comm[16];	     /* at start */
	char exe[4096];	     /* path of the executable (for uprobes, USDT) */
	bool spawned;	     /* COMMAND started by us */
	int go_fd;	     /* spawned: write end of the "go" pipe, -1 after release */
	int exec_err_fd;     /* spawned: read end, carries execvp()'s errno */
	int pidfd;	     /* readable when the target exits; -1 if unsupported */
	int exit_status;     /* spawned: wait status once reaped, -1 before */
};

/*
 * Find the target by pid (a thread id is mapped to its process), by
 * comm, or default to ovs-vswitchd (name contains "ovs-vswitchd", as the
 * reference does).  Returns 0 or a <sysexits.h> code after printing the
 * reference's message ("Failed to find ovs-vswitchd's PID!", after the
 * program's name) to err.
 */
int target__find(struct kd_target *t, pid_t pid, const char *comm, FILE *err);

/*
 * Fork COMMAND, held before execvp() until target__release().  Returns 0
 * or a <sysexits.h> code (command not found: EX_NOINPUT).
 */
int target__spawn(struct kd_target *t, char **argv, FILE *err);

/* Let the held command exec; returns 0, or -1 when execvp() failed (said on err). */
int target__release(struct kd_target *t, FILE *err);

/* True once the target has exited (reaps a spawned child). */
bool target__exited(struct kd_target *t);

/*
 * A released COMMAND's exit code as a shell gives it: its exit status, or
 * 128 + the signal that killed it; -1 while it runs (wait: block until it
 * ends) or when there is no such command.
 */
int target__exit_code(struct kd_target *t, bool wait);

/* Close fds; a spawned child still held is killed (it never ran). */
void target__cleanup(struct kd_target *t);

/* Read /proc/PID/comm into buf (no newline); returns 0 or -errno. */
int target__read_comm(pid_t pid, pid_t tid, char *buf, size_t len);

#endif /* KD_TARGET_H */
