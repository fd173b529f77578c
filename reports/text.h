/* SPDX-License-Identifier: MIT */
/* Text for people and for markup, shared by every output: wrapping and escaping. */
#ifndef VIRTCAP_TEXT_H
#define VIRTCAP_TEXT_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Print text's words wrapped at width columns, then a newline. col columns of the current line
 * are used already; following lines are indented by indent. after_text: the line already ends
 * in text, so the first word needs a space before it (and may move to the next line).
 */
void text_wrap(FILE *f, const char *text, int col, int indent, int width, bool after_text);

/* s for XML or HTML text and attribute values: & < > " ' as entities, control characters but
 * newline and tab (which XML 1.0 cannot carry) as '?'. NULL prints nothing. */
void text_escape_markup(FILE *f, const char *s);

#endif
