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

/*
 * The same for a fix, which holds shell commands in its prose: a command (from a word such as
 * sudo, modprobe or echo to a word ending in , ; ) or . or the prose after it) is never broken
 * inside: it goes on a line of its own when it does not fit where it is, and one longer than a
 * line is broken between its words (never inside quotes) with shell continuations (" \"), so
 * that it pastes as it is.
 */
/* The first three lines of text that are not blank, joined by a space and cleaned for a
 * terminal, into out ("" if none): what a program said, in one line. text is cut up. */
void text_first_lines(char *text, char *out, size_t len);

void text_wrap_fix(FILE *f, const char *text, int col, int indent, int width, bool after_text);

/*
 * Make s safe to show anywhere, in place (it never grows): invalid UTF-8, control characters
 * (C0 but tab, DEL, C1: escape sequences, line breaks that forge lines) and the Unicode
 * direction overrides become '?', a tab a space. Every string the report holds has been
 * through it, so terminals, JSON (valid UTF-8) and files all get clean text. Returns s.
 */
char *text_clean(char *s);

/* A cleaned copy of s (NULL when s is NULL or out of memory; *oom set for the latter) */
char *text_dup_clean(const char *s);

/* s for XML or HTML text and attribute values: & < > " ' as entities, control characters but
 * newline and tab (which XML 1.0 cannot carry) as '?'. NULL prints nothing. */
void text_escape_markup(FILE *f, const char *s);

/* s in a Markdown table cell or list: every character Markdown or inline HTML could act on
 * backslash-escaped (CommonMark escapes any ASCII punctuation), line breaks a space */
void text_escape_markdown(FILE *f, const char *s);

#endif
