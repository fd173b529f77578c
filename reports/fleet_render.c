// SPDX-License-Identifier: MIT
/*
 * The merged fleet as text, CSV (RFC 4180), Markdown, or one HTML page that needs nothing
 * else: inline CSS, coloured cells, sortable by a click when JavaScript runs and a plain table
 * when it does not. Hostnames, reasons and fixes come from other machines' reports: every one
 * is escaped for the format it goes into.
 */
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fleet.h"
#include "reports/text.h"
#include "util/strindex.h"

struct blocker {
	const char *cap;	/* blocked_by */
	const char *fix;
	size_t count;		/* "no" cells */
	size_t *hosts;		/* indexes, each host once */
	size_t nhosts, alloc;
};

/* More hosts first; the same count by name, so every run prints the same */
static int blocker_order(const void *pa, const void *pb)
{
	const struct blocker *a = pa, *b = pb;

	if (a->nhosts != b->nhosts)
		return a->nhosts < b->nhosts ? 1 : -1;
	return strcmp(a->cap, b->cap);
}

/* Whether host i counts: read, and not superseded by a newer report of the same host */
static bool counted(const struct fleet_host *h)
{
	return !h->error && !h->newer;
}

static const char *cap_of(const void *ctx, size_t i)
{
	return (*(struct blocker *const *)ctx)[i].cap;
}

/* The "no" cells grouped by what blocks them, most common first: one pass over the cells with
 * an index of the blockers by name (util/strindex.h), then a sort */
static struct blocker *blockers(const struct fleet *f, size_t *nb)
{
	struct blocker *b = NULL;
	struct strindex by_cap = { 0 };
	size_t n = 0, alloc = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->v[i];

		for (int k = 0; k < GUEST_KIND_COUNT && counted(h); k++) {
			if (h->verdict[k] != VERDICT_NO || !h->blocked_by[k] || !*h->blocked_by[k])
				continue;

			long j = strindex_find(&by_cap, h->blocked_by[k], cap_of, &b);

			if (j < 0) {
				if (n == alloc) {
					alloc = alloc ? alloc * 2 : 16;
					b = realloc(b, alloc * sizeof(*b));
					if (!b)
						abort();
				}
				memset(&b[n], 0, sizeof(b[n]));
				b[n].cap = h->blocked_by[k];
				b[n].fix = h->fix[k];
				if (strindex_add(&by_cap, n, cap_of, &b))
					abort();
				j = (long)n++;
			}

			struct blocker *x = &b[j];

			x->count++;
			if (x->nhosts && x->hosts[x->nhosts - 1] == i)
				continue;
			if (x->nhosts == x->alloc) {
				x->alloc = x->alloc ? x->alloc * 2 : 8;
				x->hosts = realloc(x->hosts, x->alloc * sizeof(size_t));
				if (!x->hosts)
					abort();
			}
			x->hosts[x->nhosts++] = i;
		}
	}
	strindex_free(&by_cap);
	if (n)	/* b is NULL without blockers, and qsort may not be given NULL */
		qsort(b, n, sizeof(*b), blocker_order);
	*nb = n;
	return b;
}

static void blockers_free(struct blocker *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].hosts);
	free(b);
}

/* per kind: hosts where it is yes, no, unknown, emulation (the order of enum verdict's
 * columns as the tables show them); a host where it is not applicable is in none */
static void counts(const struct fleet *f, size_t c[GUEST_KIND_COUNT][4])
{
	memset(c, 0, sizeof(size_t) * GUEST_KIND_COUNT * 4);
	for (size_t i = 0; i < f->n; i++)
		for (int k = 0; k < GUEST_KIND_COUNT && counted(&f->v[i]); k++) {
			enum verdict v = f->v[i].verdict[k];

			if (v == VERDICT_NA)	/* no such guest on that host's architecture */
				continue;
			c[k][v == VERDICT_YES ? 0 : v == VERDICT_NO ? 1 : v == VERDICT_EMULATION ? 3
			     : 2]++;
		}
}

/* "41 hosts, 1 report unreadable, 2 reports with input errors, 1 older report not counted" */
static void summary(const struct fleet *f, FILE *o)
{
	size_t errors = 0, warnings = 0, older = 0;

	for (size_t i = 0; i < f->n; i++) {
		errors += f->v[i].error != NULL;
		warnings += !f->v[i].error && f->v[i].warning;
		older += !f->v[i].error && f->v[i].newer;
	}
	fprintf(o, "%zu host%s, %zu report%s unreadable", fleet_hosts(f),
		fleet_hosts(f) == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
	if (warnings)
		fprintf(o, ", %zu report%s with input errors", warnings, warnings == 1 ? "" : "s");
	if (older)
		fprintf(o, ", %zu older report%s not counted", older, older == 1 ? "" : "s");
}

/* What a row's status column says: ok, its error, its warning, or the newer report */
static void status(const struct fleet_host *h, char *buf, size_t len)
{
	if (h->error)
		snprintf(buf, len, "%s", h->error);
	else if (h->newer)
		snprintf(buf, len, "older than %s: not counted", h->newer);
	else if (h->warning)
		snprintf(buf, len, "%s", h->warning);
	else
		snprintf(buf, len, "ok");
}

/* After a host's name, in a format's own markup and escaping: why it is not a healthy host */
static void status_note(FILE *o, const struct fleet_host *h, const char *open, const char *close,
			void (*escape)(FILE *o, const char *s))
{
	char st[PATH_MAX + 512];

	if (!h->warning && !h->newer)
		return;
	status(h, st, sizeof(st));
	fprintf(o, "%s%s", open, h->newer ? "older: " : "warning: ");
	escape(o, st);
	fputs(close, o);
}

static const char *cell(enum verdict v)
{
	return v == VERDICT_YES ? "yes" : v == VERDICT_NO ? "no" : v == VERDICT_EMULATION ? "emu"
	       : v == VERDICT_NA ? "n/a" : "?";
}

#define TEXT_WIDTH 80	/* what the lines beside the table keep to */
#define HOSTS_LISTED 20	/* per blocker, then "..." */

/* A guest kind's column: its id, cut to 6 (the cells are yes, no, emu, ?) */
static int column(int k)
{
	int n = (int)strlen(guest_kind_id((enum guest_kind)k));

	return n < 6 ? n : 6;
}

/* The guest kinds a blocker blocks, each with how many hosts, into out */
static void blocked_kinds(const struct fleet *f, const struct blocker *b, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int k = 0; k < GUEST_KIND_COUNT && used < len; k++) {
		size_t hosts = 0;

		for (size_t j = 0; j < b->nhosts; j++) {
			const struct fleet_host *h = &f->v[b->hosts[j]];

			hosts += h->verdict[k] == VERDICT_NO && h->blocked_by[k] &&
				 !strcmp(h->blocked_by[k], b->cap);
		}
		if (hosts)
			used += (size_t)snprintf(out + used, len - used, "%s%s (%zu)", used ? ", " : "",
						 guest_kind_id((enum guest_kind)k), hosts);
	}
}

/*
 * The hosts by guest kind, then the counts, then the blockers. Host names are never cut (two
 * hosts that differ at the end would look the same): the host column is as wide as the longest.
 * The table is as wide as its columns; when that is more than TEXT_WIDTH it says so first.
 * Blocker ids are capability ids of the reports (virtcap -v shows each with its source): each
 * says which guest kinds it blocks, and its fix is wrapped to TEXT_WIDTH.
 */
static void render_text(const struct fleet *f, FILE *o)
{
	size_t c[GUEST_KIND_COUNT][4], nb;
	struct blocker *b = blockers(f, &nb);
	int host_w = 4, table_w;

	for (size_t n = 0; n < f->n; n++)
		if (!f->v[n].error && (int)strlen(f->v[n].hostname) > host_w)
			host_w = (int)strlen(f->v[n].hostname);
	table_w = host_w;
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		table_w += 1 + column(k);
	if (table_w > TEXT_WIDTH)
		fprintf(o, "(%d columns wide: a wider terminal, or --format csv|markdown|html)\n",
			table_w);
	fprintf(o, "%-*s", host_w, "host");
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, " %.6s", guest_kind_id((enum guest_kind)k));
	fputc('\n', o);
	for (size_t n = 0; n < f->n; n++) {
		const struct fleet_host *h = &f->v[n];

		if (h->error) {
			fprintf(o, "%-*s ERROR %s: %s\n", host_w, "-", h->file, h->error);
			continue;
		}
		fprintf(o, "%-*s", host_w, h->hostname);
		for (int k = 0; k < GUEST_KIND_COUNT; k++)
			fprintf(o, " %-*s", column(k), cell(h->verdict[k]));
		if (h->warning || h->newer) {
			char st[PATH_MAX + 512];

			status(h, st, sizeof(st));
			fprintf(o, "\n%-*s %s %s", host_w, "", h->newer ? "OLDER" : "WARNING", st);
		}
		fputc('\n', o);
	}
	counts(f, c);
	fputc('\n', o);
	summary(f, o);
	fprintf(o, "\n%-12s %6s %6s %8s %9s\n", "guest", "yes", "no", "unknown", "emulation");
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, "%-12s %6zu %6zu %8zu %9zu\n", guest_kind_id((enum guest_kind)k), c[k][0],
			c[k][1], c[k][2], c[k][3]);
	if (nb)
		fprintf(o, "\nHosts that share a blocker (a capability of the reports: virtcap -v shows "
			"it\nwith where it was read)\n");
	for (size_t i = 0; i < nb; i++) {
		char kinds[400], line[600];

		char *names = NULL;
		size_t names_len = 0;
		FILE *m = open_memstream(&names, &names_len);

		if (!m)
			abort();
		fprintf(m, "%s: %zu host%s (%zu cell%s):", b[i].cap, b[i].nhosts,
			b[i].nhosts == 1 ? "" : "s", b[i].count, b[i].count == 1 ? "" : "s");
		for (size_t j = 0; j < b[i].nhosts && j < HOSTS_LISTED; j++)
			fprintf(m, " %s", f->v[b[i].hosts[j]].hostname);
		fprintf(m, "%s", b[i].nhosts > HOSTS_LISTED ? " ..." : "");
		if (fclose(m))
			abort();
		fputs("  ", o);	/* the names wrapped between hosts, never inside one */
		text_wrap(o, names, 2, 4, TEXT_WIDTH, false);
		free(names);
		blocked_kinds(f, &b[i], kinds, sizeof(kinds));
		snprintf(line, sizeof(line), "blocks: %s", kinds);
		fputs("    ", o);
		text_wrap(o, line, 4, 12, TEXT_WIDTH, false);
		if (b[i].fix) {
			fputs("    fix:", o);
			text_wrap_fix(o, b[i].fix, 8, 9, TEXT_WIDTH, true);
		}
	}
	blockers_free(b, nb);
}

/* RFC 4180 quoting; a cell a spreadsheet would take for a formula (= + - @, tab, CR first)
 * gets a leading ' so that it stays text */
static void csv_field(FILE *o, const char *s)
{
	fputc('"', o);
	if (s && *s && strchr("=+-@\t\r", *s))
		fputc('\'', o);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', o);
		fputc(*s, o);
	}
	fputc('"', o);
}

static void render_csv(const struct fleet *f, FILE *o)
{
	fputs("host,file,status", o);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, ",%s", guest_kind_id((enum guest_kind)k));
	fputs("\r\n", o);
	for (size_t n = 0; n < f->n; n++) {
		const struct fleet_host *h = &f->v[n];

		char st[PATH_MAX + 512];

		status(h, st, sizeof(st));
		csv_field(o, h->error ? "" : h->hostname);
		fputc(',', o);
		csv_field(o, h->file);
		fputc(',', o);
		csv_field(o, st);
		for (int k = 0; k < GUEST_KIND_COUNT; k++)
			fprintf(o, ",%s", h->error ? "" : verdict_name(h->verdict[k]));
		fputs("\r\n", o);
	}
}

static void render_markdown(const struct fleet *f, FILE *o)
{
	size_t c[GUEST_KIND_COUNT][4], nb;
	struct blocker *b = blockers(f, &nb);

	fputs("| host |", o);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, " %s |", guest_kind_id((enum guest_kind)k));
	fputs("\n|---|", o);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fputs("---|", o);
	fputc('\n', o);
	for (size_t n = 0; n < f->n; n++) {
		const struct fleet_host *h = &f->v[n];

		fputs("| ", o);
		if (h->error) {
			fputs("**error** ", o);
			text_escape_markdown(o, h->file);
			fputs(": ", o);
			text_escape_markdown(o, h->error);
			fputs(" |", o);
			for (int k = 0; k < GUEST_KIND_COUNT; k++)
				fputs(" |", o);
		} else {
			text_escape_markdown(o, h->hostname);
			status_note(o, h, " (", ")", text_escape_markdown);
			fputs(" |", o);
			for (int k = 0; k < GUEST_KIND_COUNT; k++)
				fprintf(o, " %s |", cell(h->verdict[k]));
		}
		fputc('\n', o);
	}
	counts(f, c);
	fputc('\n', o);
	summary(f, o);
	fprintf(o, ".\n\n| guest | yes | no | unknown | emulation |\n|---|---|---|---|---|\n");
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, "| %s | %zu | %zu | %zu | %zu |\n", guest_kind_id((enum guest_kind)k),
			c[k][0], c[k][1], c[k][2], c[k][3]);
	if (nb)
		fputs("\n## Hosts that share a blocker\n\n", o);
	for (size_t i = 0; i < nb; i++) {
		fputs("- ", o);
		text_escape_markdown(o, b[i].cap);
		fprintf(o, ": %zu host%s:", b[i].nhosts, b[i].nhosts == 1 ? "" : "s");
		for (size_t j = 0; j < b[i].nhosts && j < 50; j++) {
			fputc(' ', o);
			text_escape_markdown(o, f->v[b[i].hosts[j]].hostname);
		}
		fputc('\n', o);
	}
	blockers_free(b, nb);
}

static void render_html(const struct fleet *f, FILE *o)
{
	size_t c[GUEST_KIND_COUNT][4], nb;
	struct blocker *b = blockers(f, &nb);

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<title>virtcap fleet</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:1.5em;color:#222}\n"
	      "table{border-collapse:collapse;margin-bottom:1.5em}\n"
	      "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:center}\n"
	      "th{background:#eee;cursor:pointer}td.h{text-align:left}\n"
	      "td.yes{background:#b7e4b7}td.no{background:#f4b6b6}td.unknown{background:#ddd}\n"
	      "tr.err td{background:#fde2c4;text-align:left}\n"
	      "</style></head><body>\n<h1>virtcap fleet</h1>\n", o);
	fputs("<p>", o);
	summary(f, o);
	fputs(".</p>\n", o);
	fputs("<table id=\"m\"><thead><tr><th>host</th>", o);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, "<th>%s</th>", guest_kind_id((enum guest_kind)k));
	fputs("</tr></thead><tbody>\n", o);
	for (size_t n = 0; n < f->n; n++) {
		const struct fleet_host *h = &f->v[n];

		if (h->error) {
			fprintf(o, "<tr class=\"err\"><td class=\"h\">error</td><td colspan=\"%d\">",
				GUEST_KIND_COUNT);
			text_escape_markup(o, h->file);
			fputs(": ", o);
			text_escape_markup(o, h->error);
			fputs("</td></tr>\n", o);
			continue;
		}
		fputs("<tr><td class=\"h\">", o);
		text_escape_markup(o, h->hostname);
		status_note(o, h, "<br><small>", "</small>", text_escape_markup);
		fputs("</td>", o);
		for (int k = 0; k < GUEST_KIND_COUNT; k++) {
			fprintf(o, "<td class=\"%s\"", verdict_name(h->verdict[k]));
			if (h->verdict[k] != VERDICT_YES && h->blocked_by[k]) {
				fputs(" title=\"", o);
				text_escape_markup(o, h->blocked_by[k]);
				fputs("\"", o);
			}
			fprintf(o, ">%s</td>", verdict_name(h->verdict[k]));
		}
		fputs("</tr>\n", o);
	}
	fputs("</tbody></table>\n<h2>Verdicts per guest kind</h2>\n<table><tr><th>guest</th>"
	      "<th>yes</th><th>no</th><th>unknown</th><th>emulation</th></tr>\n", o);
	counts(f, c);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, "<tr><td class=\"h\">%s</td><td>%zu</td><td>%zu</td><td>%zu</td>"
			"<td>%zu</td></tr>\n", guest_kind_id((enum guest_kind)k), c[k][0], c[k][1],
			c[k][2], c[k][3]);
	fputs("</table>\n", o);
	if (nb)
		fputs("<h2>Hosts that share a blocker</h2>\n<ul>\n", o);
	for (size_t i = 0; i < nb; i++) {
		fputs("<li><code>", o);
		text_escape_markup(o, b[i].cap);
		fprintf(o, "</code>: %zu host%s:", b[i].nhosts, b[i].nhosts == 1 ? "" : "s");
		for (size_t j = 0; j < b[i].nhosts && j < 200; j++) {
			fputc(' ', o);
			text_escape_markup(o, f->v[b[i].hosts[j]].hostname);
		}
		if (b[i].fix) {
			fputs("<br><small>fix: ", o);
			text_escape_markup(o, b[i].fix);
			fputs("</small>", o);
		}
		fputs("</li>\n", o);
	}
	if (nb)
		fputs("</ul>\n", o);
	/* sorting is an extra: without JavaScript the table above is complete */
	fputs("<script>\ndocument.querySelectorAll('#m th').forEach(function(th,i){\n"
	      " th.onclick=function(){var tb=th.closest('table').tBodies[0];\n"
	      "  var rows=Array.from(tb.rows),asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';\n"
	      "  rows.sort(function(a,b){var x=(a.cells[i]||a.cells[0]).textContent,\n"
	      "   y=(b.cells[i]||b.cells[0]).textContent;return asc?x.localeCompare(y):"
	      "y.localeCompare(x);});\n  rows.forEach(function(r){tb.appendChild(r);});};});\n"
	      "</script>\n</body></html>\n", o);
	blockers_free(b, nb);
}

int fleet_render(const struct fleet *f, enum fleet_format fmt, FILE *out)
{
	switch (fmt) {
	case FLEET_CSV:
		render_csv(f, out);
		break;
	case FLEET_MARKDOWN:
		render_markdown(f, out);
		break;
	case FLEET_HTML:
		render_html(f, out);
		break;
	default:
		render_text(f, out);
	}
	return ferror(out) ? -5 : 0;
}
