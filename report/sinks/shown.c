// SPDX-License-Identifier: BSD-2-Clause
/* shown.c - see shown.h. */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "shown.h"
#include "text_format.h"

const char *kdr_shown_thread(struct kdr_ctx *c, uint32_t tid, uint64_t ts, char *buf,
			     size_t size, size_t *len)
{
	const char *name = kdr_thread_name(c, tid, ts, buf, size, len);
	char z[64];
	size_t n = *len < sizeof(z) - 1 ? *len : sizeof(z) - 1;

	memcpy(z, name, n); /* the regex wants a C string */
	z[n] = '\0';
	return kdr_filter_thread(&c->filter, tid, z) ? name : NULL;
}

static uint32_t row_tid(const struct kdr_shown_table *t, size_t i)
{
	uint32_t tid;

	memcpy(&tid, (const char *)t->rows + i * t->size, sizeof(tid));
	return tid;
}

void kdr_shown_json(struct kdr_ctx *c, struct kdr_json *j, const struct kdr_shown_table *t,
		    uint64_t ts)
{
	char tb[32], key[64];
	size_t len;

	kdr_json_key(j, t->what);
	kdr_json_arr_begin(j);
	for (size_t i = 0; i < t->n; i++) {
		uint32_t tid = row_tid(t, i);
		const char *name = kdr_shown_thread(c, tid, ts, tb, sizeof(tb), &len);

		if (!name)
			continue;
		kdr_json_obj_begin(j);
		kdr_json_key(j, "tid");
		kdr_json_u64(j, tid);
		kdr_json_key(j, "name");
		kdr_json_str(j, name, len);
		t->json(c, j, (const char *)t->rows + i * t->size, ts);
		kdr_json_obj_end(j);
	}
	kdr_json_arr_end(j);
	if (t->incomplete) {
		snprintf(key, sizeof(key), "%s_incomplete", t->what);
		kdr_json_key(j, key);
		kdr_json_bool(j, 1);
	}
}

void kdr_shown_text(struct kdr_ctx *c, const struct kdr_shown_table *t, uint64_t ts)
{
	FILE *f = c->out;
	char tb[32];
	size_t len;

	for (size_t i = 0; i < t->n; i++) {
		const void *row = (const char *)t->rows + i * t->size;
		uint32_t tid = row_tid(t, i);
		const char *name;

		if (t->text_keep && !t->text_keep(row))
			continue;
		name = kdr_shown_thread(c, tid, ts, tb, sizeof(tb), &len);
		if (!name)
			continue;
		fprintf(f, "%-8" PRIu32 " ", tid);
		kdr_text_name(f, name, len, 16, 16);
		t->text(c, row, ts);
		fputc('\n', f);
	}
	if (t->incomplete)
		fprintf(f, "# WARNING: out of memory: the %s table above is incomplete\n", t->what);
}

const char *kdr_shown_task_name(struct kdr_ctx *c, uint32_t name_id, uint32_t tid, int target,
				uint64_t ts, char *buf, size_t size, size_t *len)
{
	const char *s = name_id ? kdf_reader_string(c->r, name_id, len) : NULL;

	if (s)
		return s;
	if (target)
		return kdr_thread_name(c, tid, ts, buf, size, len);
	*len = 0;
	return NULL;
}

void kdr_shown_task_text(FILE *f, const char *what, const char *name, size_t len, int target,
			 uint32_t pid, uint32_t tid)
{
	fprintf(f, "%s ", target ? "thread" : what);
	kdr_text_name(f, name ? name : "?", name ? len : 1, 0, 0);
	if (target)
		fprintf(f, " (tid %" PRIu32 ")", tid);
	else
		fprintf(f, " (pid %" PRIu32 ", tid %" PRIu32 ")", pid, tid);
}
