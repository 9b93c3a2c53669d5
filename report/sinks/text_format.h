/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * text_format.h - how the terminal outputs (the text report, its
 * distributions and budget, --info, diff) write numbers and names.
 */
#ifndef KDR_TEXT_FORMAT_H
#define KDR_TEXT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Write a thread/irq/symbol name for a terminal: valid UTF-8 as is,
 * control characters and invalid bytes as \xNN; padded with spaces to
 * width and cut at maxw characters (0 = no cut), like Python's
 * "{:width.maxw}". */
void kdr_text_name(FILE *f, const char *s, size_t len, int width, int maxw);
/* "1,234,567" */
char *kdr_commas(uint64_t v, char *buf, size_t size);

#endif /* KDR_TEXT_FORMAT_H */
