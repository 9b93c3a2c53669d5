/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kdelay_format.h - public API of the capture-file library (libkdformat).
 *
 * The on-disk layout is specified in docs/format.md.  This header is all
 * that kdelay-record and kdelay-report see of it: decoded, host-order C
 * structs in, decoded C structs out.  It must stay portable C11 (no
 * <linux/...>, no libbpf) so that the report builds on any laptop.
 *
 * Ownership: every pointer returned by the reader stays valid until
 * kdf_reader_close(), unless said otherwise.  Every pointer passed to the
 * writer is copied before the call returns.
 */
#ifndef KDELAY_FORMAT_H
#define KDELAY_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define KDF_VERSION_MAJOR 1
#define KDF_VERSION_MINOR 4

/* ---------------------------------------------------------------- events */

enum kdf_event_type {
	KDF_EV_SYS_ENTER = 1,
	KDF_EV_SYS_EXIT = 2,
	KDF_EV_SWITCH = 3,	   /* tid = prev tid */
	KDF_EV_WAKEUP = 4,	   /* tid = woken tid */
	KDF_EV_IRQ_ENTRY = 5,
	KDF_EV_IRQ_EXIT = 6,
	KDF_EV_SOFTIRQ_ENTRY = 7,
	KDF_EV_SOFTIRQ_EXIT = 8,
	KDF_EV_TRIGGER = 9,
	KDF_EV_STACK = 10,	   /* stacks of the syscall that just exited on tid */
	KDF_EV_THREAD_EXIT = 11,
	/* (1.1) the recorder lost events (ring buffer full): ts = first loss,
	 * cpu = where, tid = 0; see docs/format.md section 5.2 */
	KDF_EV_LOSS = 12,
	/* (1.2) tid runs on cpu from ts, while a target thread waits there
	 * runnable; see docs/format.md section 5.3 */
	KDF_EV_CPU_RUN = 13,
	/* (1.2) a thread of the target as /proc showed it when the window
	 * opened or closed; see docs/format.md section 5.4 */
	KDF_EV_CENSUS = 14,
	KDF_EV_TYPE_MAX = 14,
};

/* flags, per type (same bit values as bpf/kdelay_events.h on purpose) */
#define KDF_SW_PREV_TARGET (1u << 0)
#define KDF_SW_NEXT_TARGET (1u << 1)
#define KDF_SW_PREEMPT (1u << 2)
#define KDF_WAKE_NEW (1u << 0)
/* (1.3) WAKEUP: the context the waker ran in (bits 1-2; 0 in older
 * captures) and a softirq's vector (bits 3-6); docs/format.md 5.1 */
#define KDF_WAKE_CTX_MASK (3u << 1)
#define KDF_WAKE_CTX_TASK (0u << 1)
#define KDF_WAKE_CTX_HARDIRQ (1u << 1)
#define KDF_WAKE_CTX_SOFTIRQ (2u << 1)
#define KDF_WAKE_CTX_TIMER (3u << 1)
#define KDF_WAKE_VEC_SHIFT 3
#define KDF_WAKE_VEC_MASK (15u << KDF_WAKE_VEC_SHIFT)
/* (1.4) WAKEUP: the waker, not a kernel thread, is the task current on
 * cpu, where the woken thread is queued (no CPU_RUN names it there);
 * docs/format.md 5.3 */
#define KDF_WAKE_WAKER_CURRENT (1u << 7)
#define KDF_TRIG_START (1u << 0)
#define KDF_TRIG_STOP (1u << 1)
#define KDF_STACK_KERNEL_LOST (1u << 0)
#define KDF_STACK_USER_LOST (1u << 1)
#define KDF_RUN_KTHREAD (1u << 0) /* CPU_RUN: the task is a kernel thread */
#define KDF_CENSUS_END (1u << 0)  /* CENSUS: taken at the window's end, not start */
#define KDF_CENSUS_NO_SYSCALL UINT32_MAX /* CENSUS nr: running, or not in a syscall */

/*
 * One decoded event.  40 bytes; which union member is valid follows type.
 * ts is CLOCK_MONOTONIC in ns, as bpf_ktime_get_ns() returns it.
 */
struct kdf_event {
	uint64_t ts;
	uint32_t tid;
	uint16_t cpu;
	uint8_t type;  /* enum kdf_event_type */
	uint8_t flags; /* KDF_* flags above */
	union {
		struct {
			uint32_t nr;
			int32_t ret; /* 0 for SYS_ENTER */
		} sys;
		struct {
			uint32_t next_tid;
			uint32_t prev_state; /* 0 = TASK_RUNNING */
		} sw;
		struct {
			/* current on the waking CPU; 0 = idle.  In an
			 * interrupt (flags KDF_WAKE_CTX_*, 1.3) the task it
			 * interrupted */
			uint32_t waker_tid;
			/* (1.2) its tgid, and its name then (a STRINGS id);
			 * 0 in older captures */
			uint32_t waker_pid;
			uint32_t waker_name_id;
		} wakeup;
		struct {
			uint32_t irq;
			uint32_t name_id; /* kdf_writer_intern() id of the action name */
		} irq_entry;
		struct {
			uint32_t irq;
			int32_t ret; /* 0 = IRQ_NONE */
		} irq_exit;
		struct {
			uint32_t vec;
		} softirq;
		struct {
			uint32_t nr;	    /* the syscall */
			uint32_t kstack_id; /* kdf_writer_stack() ids; 0 = none */
			uint32_t ustack_id;
			uint32_t pad;
			uint64_t entry_ts;
		} stack;
		struct {
			uint32_t pid;	  /* the task's tgid (0: the idle task) */
			uint32_t name_id; /* its name then, a STRINGS id; 0 = unknown */
		} cpu_run;
		struct {
			uint32_t state; /* /proc's state letter: 'R', 'S', 'D', 'T'... */
			uint32_t nr;	/* the syscall it is in, KDF_CENSUS_NO_SYSCALL */
			/* (1.3) since when it is asleep (its switch-out), when
			 * the recorder saw it; 0 = not known: asleep since
			 * before the trace, or not asleep (docs/format.md 5.4) */
			uint64_t since_ts;
		} census;
		struct {
			uint64_t count;	 /* events lost on cpu */
			uint64_t end_ts; /* >= ts: the ring took records again */
		} loss;
	} u;
};

/* ------------------------------------------------------------- metadata */

struct kdf_options {
	uint64_t sample_time_ns;
	uint64_t sample_interval_ns;
	uint32_t sample_count;
	uint32_t stack_trace_size;  /* 0 = stacks disabled */
	uint64_t trigger_delta_ns;
	int64_t syscall_events_ns;  /* -1 = --syscall-events not given */
	uint32_t skip_syscall_poll_events; /* bool */
	uint32_t buffer_page_count;
	const char *start_trigger;  /* NULL when not given */
	const char *stop_trigger;
};

/* Written once, first chunk after the file header. */
struct kdf_meta {
	const char *kdelay_version;
	const char *command_line;
	const char *hostname;
	const char *kernel_release;
	const char *arch;	 /* uname machine, e.g. "x86_64" */
	uint32_t ncpus;
	uint32_t pid;		 /* target tgid */
	const char *comm;	 /* target's comm */
	uint64_t mono_ns;	 /* CLOCK_MONOTONIC ... */
	uint64_t realtime_ns;	 /* ... and CLOCK_REALTIME taken together */
	struct kdf_options options;
	const char *const *syscall_names; /* indexed by nr; NULL = unknown */
	uint32_t syscall_count;
	/* Names this capture among others (a fleet's captures in one table):
	 * random, written by the recorder.  A reader always fills it: a
	 * capture without one gets "meta-" and a hash of its META chunk
	 * (docs/format.md 4.1), and capture_id_derived says so. */
	const char *capture_id;
	uint32_t capture_id_derived; /* bool */
};

/* A thread name, as seen at time ts (start of capture, creation, rename). */
struct kdf_thread {
	uint64_t ts;
	uint32_t tid;
	uint32_t name_len;
	const char *name; /* not NUL terminated; any bytes */
};

/* One symbolized address (kernel or user) used by a recorded stack. */
struct kdf_symbol {
	uint64_t addr;
	uint32_t is_kernel;
	uint32_t offset;	   /* addr - symbol start; valid when name != NULL */
	const char *name;	   /* NULL = unknown */
	const char *module;	   /* "kernel", a kernel module, or the mapping's basename */
	const char *path;	   /* user only: mapped file path, else NULL */
	const uint8_t *build_id;   /* user only, may be NULL */
	uint32_t build_id_len;
	uint64_t file_offset;	   /* user only: offset of addr in path */
};

#define KDF_WIN_TRIGGERED (1u << 0) /* opened/closed by triggers */
#define KDF_WIN_SKIPPED (1u << 1)   /* shorter than --trigger-delta: no events kept */
#define KDF_WIN_INTERRUPTED (1u << 2) /* closed early by SIGINT/SIGTERM or target exit */
/* kdelay-record --flight-recorder: the last SECONDS, written on SIGUSR2
 * (not a trigger window; start/stop_trigger_ts are 0). */
#define KDF_WIN_FLIGHT_DUMP (1u << 3)
/* The flight recorder's memory cap evicted events of this window before it
 * was written: start_ts was moved past them (the events from start_ts to
 * end_ts are all there), `dropped` counts them; start_trigger_ts keeps the
 * trigger's own time. */
#define KDF_WIN_TRUNCATED (1u << 4)

/* Closes a sample window: every event of the window precedes this chunk. */
struct kdf_window {
	uint32_t index;		  /* 0, 1, ... in file order */
	uint32_t flags;		  /* KDF_WIN_* */
	uint64_t start_ts;	  /* CLOCK_MONOTONIC ns */
	uint64_t end_ts;
	uint64_t start_trigger_ts; /* 0 = no start trigger */
	uint64_t stop_trigger_ts;  /* 0 = no stop trigger */
	uint64_t dropped;	  /* ring-buffer reservations that failed */
	uint64_t trigger_missed;
	uint64_t stacks_lost;
};

/* struct kdf_summary.end_reason: at most 31 bytes and a NUL. */
#define KDF_END_REASON_LEN 32

/* Last chunk of a cleanly closed file. */
struct kdf_summary {
	uint64_t end_ts;
	uint64_t events[KDF_EV_TYPE_MAX + 1]; /* count by type */
	uint64_t dropped;
	uint64_t trigger_missed;
	uint64_t stacks_lost;
	uint32_t windows;
	uint32_t exit_reason; /* 0 done, 1 signal, 2 target exited, 3 error */
	/*
	 * Why the recording ended (docs/format.md 4.4): "stopped"
	 * (sample count, --sample-time, a signal), "target-exited",
	 * "disk-full", "write-error", "error"; "" when absent (older files).
	 * A reader keeps the first 31 bytes of a longer one.
	 */
	char end_reason[KDF_END_REASON_LEN];
};

/* --------------------------------------------------------------- errors */

enum kdf_err {
	KDF_OK = 0,
	KDF_E_IO = -1,		/* errno says more */
	KDF_E_NOT_CAPTURE = -2, /* bad magic */
	KDF_E_VERSION = -3,	/* newer major version */
	KDF_E_CORRUPT = -4,	/* unrecoverable: header or meta chunk bad */
	KDF_E_NOMEM = -5,
	KDF_E_INVAL = -6,	/* caller passed something impossible */
};

const char *kdf_strerror(int err);

/* --------------------------------------------------------------- writer */

struct kdf_writer;

/*
 * Create path (mode 0600, O_EXCL not implied: the caller renames an old
 * file first) and write the header and the meta chunk.  On failure returns
 * NULL and sets *err to a kdf_err.  zstd_level 0 means the default (1).
 */
struct kdf_writer *kdf_writer_open(const char *path, const struct kdf_meta *meta,
				   int zstd_level, int *err);
/* The same on an already open fd (taken over: closed by close/abort, and
 * by kdf_writer_fdopen itself when it fails).  A pipe works too. */
struct kdf_writer *kdf_writer_fdopen(int fd, const struct kdf_meta *meta,
				     int zstd_level, int *err);

/* Append one event to the current event chunk (flushed when full). */
int kdf_writer_event(struct kdf_writer *w, const struct kdf_event *ev);
/* Intern a string (irq names); same bytes give the same id; ids start at 1. */
uint32_t kdf_writer_intern(struct kdf_writer *w, const char *s, size_t len);
/* Intern a stack (exact comparison, never collides); ids start at 1;
 * returns 0 on allocation failure. */
uint32_t kdf_writer_stack(struct kdf_writer *w, const uint64_t *ips, uint32_t n);
int kdf_writer_thread(struct kdf_writer *w, const struct kdf_thread *t);
int kdf_writer_symbols(struct kdf_writer *w, const struct kdf_symbol *syms, size_t n);
/* Flush events, then write the window chunk. */
int kdf_writer_window(struct kdf_writer *w, const struct kdf_window *win);
/* Write out everything buffered as complete chunks (call at least 1/s). */
int kdf_writer_flush(struct kdf_writer *w);
/* Flush, write the summary, close the fd, free w.  Always frees w.
 * sum NULL: a summary from the writer's own counts.  After a KDF_E_IO
 * (from any call), every later call returns KDF_E_IO again, errno kept.
 * A write error stops the data at the last whole chunk; close then still
 * ends the file with the summary, its end_reason set to "disk-full"
 * (ENOSPC, EDQUOT) or "write-error" whatever sum says, and returns the
 * error.  For a full disk to leave room for it, the writer keeps the
 * space of a summary allocated past the end of the file (fallocate
 * FALLOC_FL_KEEP_SIZE, where the file system has it) and stops writing
 * data when it cannot keep it. */
int kdf_writer_close(struct kdf_writer *w, const struct kdf_summary *sum);
/* Free w without writing a summary (the file stays readable). */
void kdf_writer_abort(struct kdf_writer *w);

/* Bytes written so far (compressed, on disk) and events appended. */
uint64_t kdf_writer_bytes(const struct kdf_writer *w);
uint64_t kdf_writer_events(const struct kdf_writer *w);

/* --------------------------------------------------------------- reader */

enum kdf_item_type {
	KDF_ITEM_EVENTS = 1,  /* events.v[0 .. events.n) */
	KDF_ITEM_THREAD,      /* thread */
	KDF_ITEM_SYMBOLS,     /* symbols.v[0 .. symbols.n) */
	KDF_ITEM_WINDOW,      /* window */
	KDF_ITEM_SUMMARY,     /* summary */
};

/* Pointers in an item are valid until the next kdf_reader_next() call. */
struct kdf_item {
	enum kdf_item_type type;
	union {
		struct {
			const struct kdf_event *v;
			size_t n;
			/* the earliest and latest ts in v (0 and 0 when n is 0),
			 * taken where the chunk is decoded, so that a reader
			 * needing a batch's span does not walk it again */
			uint64_t first_ts, last_ts;
			/* 1 when no event's ts is before the one of the event
			 * before it: a reader that puts them in time order
			 * can take them as they are */
			int in_order;
		} events;
		struct kdf_thread thread;
		struct {
			const struct kdf_symbol *v;
			size_t n;
		} symbols;
		struct kdf_window window;
		struct kdf_summary summary;
	} u;
};

/* Called for every recoverable problem (bad checksum, truncation, unknown
 * chunk type); offset is the file offset of the chunk concerned. */
typedef void (*kdf_warn_fn)(void *ctx, uint64_t offset, const char *msg);

struct kdf_reader;

/* Open a capture and read its header and meta chunk.  On failure returns
 * NULL, sets *err and, when msg is not NULL, writes a one-line reason.
 * path "-" is standard input; either must be a regular file (a FIFO or
 * pipe is refused, never waited on). */
struct kdf_reader *kdf_reader_open(const char *path, kdf_warn_fn warn, void *ctx,
				   int *err, char *msg, size_t msg_len);
/* The same over a memory buffer (tests, fuzzing); buf must outlive r. */
struct kdf_reader *kdf_reader_open_mem(const void *buf, size_t len, kdf_warn_fn warn,
				       void *ctx, int *err, char *msg, size_t msg_len);

/* Missing text fields read as "", except triggers and syscall names (NULL). */
const struct kdf_meta *kdf_reader_meta(const struct kdf_reader *r);
/* File format version found in the header. */
void kdf_reader_version(const struct kdf_reader *r, uint32_t *major, uint32_t *minor);

/* Next item: 1 = *item filled, 0 = end of file, < 0 = kdf_err (fatal). */
int kdf_reader_next(struct kdf_reader *r, struct kdf_item *item);

/* The capture is still being written, whole chunks at a time: its end, or
 * a chunk not yet whole there, means "nothing more yet" (kdf_reader_next
 * returns 0 without a warning) until the SUMMARY chunk was read, and the
 * next kdf_reader_next() reads on from the first chunk not read, keeping
 * the tables.  Damage before the end is reported as usual. */
void kdf_reader_follow(struct kdf_reader *r);

/* Read and decode the EVENTS chunks of a capture of 1 MiB or more ahead,
 * on a second thread, while the caller works on the current one: the
 * items, warnings and errors are the same, the memory one chunk's events
 * more (a few MB; for a caller with room to spare).  Call it before the
 * first kdf_reader_next(). */
void kdf_reader_read_ahead(struct kdf_reader *r);

/* Tables the reader keeps as it goes (filled by chunks already read). */
const char *kdf_reader_string(const struct kdf_reader *r, uint32_t id, size_t *len);
const uint64_t *kdf_reader_stack(const struct kdf_reader *r, uint32_t id, uint32_t *n);

/* Statistics for --info, valid after the last kdf_reader_next(). */
struct kdf_read_stats {
	uint64_t file_bytes;
	uint64_t chunks;
	uint64_t chunks_bad;	 /* checksum or decode errors, skipped */
	uint64_t chunks_unknown; /* unknown type, skipped */
	uint64_t events;
	uint64_t uncompressed_bytes;
	int truncated;		 /* file ended inside a chunk */
	int has_summary;
};
void kdf_reader_stats(const struct kdf_reader *r, struct kdf_read_stats *st);

void kdf_reader_close(struct kdf_reader *r);

/* Bytes read from capture files (not memory) by this process so far: what
 * kdelay reports under KDELAY_DEBUG_READ_BYTES, so a test can check that
 * it reads its capture once, not once per window. */
uint64_t kdf_bytes_read(void);

#endif /* KDELAY_FORMAT_H */
