// SPDX-License-Identifier: MIT
/*
 * The merged fleet as text, CSV (RFC 4180), Markdown, or one HTML page that needs nothing
 * else: inline CSS, coloured cells, sortable by a click when JavaScript runs and a plain table
 * when it does not. Hostnames, reasons and fixes come from other machines' reports: every one
 * is escaped for the format it goes into.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fleet.h"
#include "reports/text.h"

/* Hosts sorted by name (error rows by file), as indexes into f->v. */
static size_t *sorted_hosts(const struct fleet *f)
{
	size_t *idx = malloc((f->n ? f->n : 1) * sizeof(*idx));

	if (!idx)
		abort();
	for (size_t i = 0; i < f->n; i++)
		idx[i] = i;
	/* insertion sort is too slow for 10,000 hosts: a small merge via qsort_r-free compare */
	for (size_t gap = f->n / 2; gap > 0; gap /= 2)	/* Shell sort: no global comparator state */
		for (size_t i = gap; i < f->n; i++)
			for (size_t j = i; j >= gap; j -= gap) {
				const struct fleet_host *a = &f->v[idx[j - gap]], *b = &f->v[idx[j]];
				const char *ka = a->error ? a->file : a->hostname;
				const char *kb = b->error ? b->file : b->hostname;
				int c = (a->error != NULL) - (b->error != NULL);

				if (c < 0 || (c == 0 && strcmp(ka, kb) <= 0))
					break;

				size_t t = idx[j];

				idx[j] = idx[j - gap];
				idx[j - gap] = t;
			}
	return idx;
}

struct blocker {
	const char *cap;	/* blocked_by */
	const char *fix;
	size_t count;		/* "no" cells */
	size_t *hosts;		/* indexes, each host once */
	size_t nhosts, alloc;
};

/* The "no" cells grouped by what blocks them, most common first. */
static struct blocker *blockers(const struct fleet *f, size_t *nb)
{
	struct blocker *b = NULL;
	size_t n = 0, alloc = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->v[i];

		for (int k = 0; k < GUEST_KIND_COUNT && !h->error; k++) {
			if (h->verdict[k] != VERDICT_NO || !h->blocked_by[k] || !*h->blocked_by[k])
				continue;

			size_t j = 0;

			while (j < n && strcmp(b[j].cap, h->blocked_by[k]))
				j++;
			if (j == n) {
				if (n == alloc) {
					alloc = alloc ? alloc * 2 : 16;
					b = realloc(b, alloc * sizeof(*b));
					if (!b)
						abort();
				}
				memset(&b[n], 0, sizeof(b[n]));
				b[n].cap = h->blocked_by[k];
				b[n].fix = h->fix[k];
				n++;
			}
			b[j].count++;
			if (b[j].nhosts && b[j].hosts[b[j].nhosts - 1] == i)
				continue;
			if (b[j].nhosts == b[j].alloc) {
				b[j].alloc = b[j].alloc ? b[j].alloc * 2 : 8;
				b[j].hosts = realloc(b[j].hosts, b[j].alloc * sizeof(size_t));
				if (!b[j].hosts)
					abort();
			}
			b[j].hosts[b[j].nhosts++] = i;
		}
	}
	for (size_t i = 1; i < n; i++)	/* few blockers: insertion sort by host count */
		for (size_t j = i; j > 0 && b[j].nhosts > b[j - 1].nhosts; j--) {
			struct blocker t = b[j];

			b[j] = b[j - 1];
			b[j - 1] = t;
		}
	*nb = n;
	return b;
}

static void blockers_free(struct blocker *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].hosts);
	free(b);
}

static void counts(const struct fleet *f, size_t c[GUEST_KIND_COUNT][3])
{
	memset(c, 0, sizeof(size_t) * GUEST_KIND_COUNT * 3);
	for (size_t i = 0; i < f->n; i++)
		for (int k = 0; k < GUEST_KIND_COUNT && !f->v[i].error; k++)
			c[k][f->v[i].verdict[k] == VERDICT_YES ? 0 : f->v[i].verdict[k] == VERDICT_NO
			     ? 1 : 2]++;
}

static const char *cell(enum verdict v)
{
	return v == VERDICT_YES ? "yes" : v == VERDICT_NO ? "no" : "?";
}

static void render_text(const struct fleet *f, const size_t *idx, FILE *o)
{
	size_t c[GUEST_KIND_COUNT][3], nb;
	struct blocker *b = blockers(f, &nb);

	fprintf(o, "%-20s", "host");
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, " %.6s", guest_kind_id((enum guest_kind)k));
	fputc('\n', o);
	for (size_t n = 0; n < f->n; n++) {
		const struct fleet_host *h = &f->v[idx[n]];

		if (h->error) {
			fprintf(o, "%-20s ERROR %s: %s\n", "-", h->file, h->error);
			continue;
		}
		fprintf(o, "%-20.20s", h->hostname);
		for (int k = 0; k < GUEST_KIND_COUNT; k++)
			fprintf(o, " %-*s", (int)strlen(guest_kind_id((enum guest_kind)k)) < 6
				? (int)strlen(guest_kind_id((enum guest_kind)k)) : 6, cell(h->verdict[k]));
		fputc('\n', o);
	}
	counts(f, c);
	fprintf(o, "\n%zu hosts, %zu reports unreadable\n%-12s %6s %6s %8s\n", f->n - fleet_errors(f),
		fleet_errors(f), "guest", "yes", "no", "unknown");
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, "%-12s %6zu %6zu %8zu\n", guest_kind_id((enum guest_kind)k), c[k][0],
			c[k][1], c[k][2]);
	if (nb)
		fprintf(o, "\nHosts that share a blocker\n");
	for (size_t i = 0; i < nb; i++) {
		fprintf(o, "  %s: %zu hosts (%zu cells):", b[i].cap, b[i].nhosts, b[i].count);
		for (size_t j = 0; j < b[i].nhosts && j < 20; j++)
			fprintf(o, " %s", f->v[b[i].hosts[j]].hostname);
		fprintf(o, "%s\n", b[i].nhosts > 20 ? " ..." : "");
		if (b[i].fix)
			fprintf(o, "    fix: %s\n", b[i].fix);
	}
	blockers_free(b, nb);
}

static void csv_field(FILE *o, const char *s)
{
	fputc('"', o);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', o);
		fputc(*s, o);
	}
	fputc('"', o);
}

static void render_csv(const struct fleet *f, const size_t *idx, FILE *o)
{
	fputs("host,file,status", o);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, ",%s", guest_kind_id((enum guest_kind)k));
	fputs("\r\n", o);
	for (size_t n = 0; n < f->n; n++) {
		const struct fleet_host *h = &f->v[idx[n]];

		csv_field(o, h->error ? "" : h->hostname);
		fputc(',', o);
		csv_field(o, h->file);
		fputc(',', o);
		csv_field(o, h->error ? h->error : "ok");
		for (int k = 0; k < GUEST_KIND_COUNT; k++)
			fprintf(o, ",%s", h->error ? "" : verdict_name(h->verdict[k]));
		fputs("\r\n", o);
	}
}

static void md_text(FILE *o, const char *s)
{
	for (; s && *s; s++) {
		if (strchr("|\\`*_[]<>", *s))
			fputc('\\', o);
		fputc(*s == '\n' ? ' ' : *s, o);
	}
}

static void render_markdown(const struct fleet *f, const size_t *idx, FILE *o)
{
	size_t c[GUEST_KIND_COUNT][3], nb;
	struct blocker *b = blockers(f, &nb);

	fputs("| host |", o);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, " %s |", guest_kind_id((enum guest_kind)k));
	fputs("\n|---|", o);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fputs("---|", o);
	fputc('\n', o);
	for (size_t n = 0; n < f->n; n++) {
		const struct fleet_host *h = &f->v[idx[n]];

		fputs("| ", o);
		if (h->error) {
			fputs("**error** ", o);
			md_text(o, h->file);
			fputs(": ", o);
			md_text(o, h->error);
			fputs(" |", o);
			for (int k = 0; k < GUEST_KIND_COUNT; k++)
				fputs(" |", o);
		} else {
			md_text(o, h->hostname);
			fputs(" |", o);
			for (int k = 0; k < GUEST_KIND_COUNT; k++)
				fprintf(o, " %s |", cell(h->verdict[k]));
		}
		fputc('\n', o);
	}
	counts(f, c);
	fprintf(o, "\n%zu hosts, %zu reports unreadable.\n\n| guest | yes | no | unknown |\n"
		"|---|---|---|---|\n", f->n - fleet_errors(f), fleet_errors(f));
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, "| %s | %zu | %zu | %zu |\n", guest_kind_id((enum guest_kind)k), c[k][0],
			c[k][1], c[k][2]);
	if (nb)
		fputs("\n## Hosts that share a blocker\n\n", o);
	for (size_t i = 0; i < nb; i++) {
		fprintf(o, "- `%s`: %zu hosts:", b[i].cap, b[i].nhosts);
		for (size_t j = 0; j < b[i].nhosts && j < 50; j++) {
			fputc(' ', o);
			md_text(o, f->v[b[i].hosts[j]].hostname);
		}
		fputc('\n', o);
	}
	blockers_free(b, nb);
}

static void render_html(const struct fleet *f, const size_t *idx, FILE *o)
{
	size_t c[GUEST_KIND_COUNT][3], nb;
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
	fprintf(o, "<p>%zu hosts, %zu reports unreadable.</p>\n", f->n - fleet_errors(f),
		fleet_errors(f));
	fputs("<table id=\"m\"><thead><tr><th>host</th>", o);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, "<th>%s</th>", guest_kind_id((enum guest_kind)k));
	fputs("</tr></thead><tbody>\n", o);
	for (size_t n = 0; n < f->n; n++) {
		const struct fleet_host *h = &f->v[idx[n]];

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
	      "<th>yes</th><th>no</th><th>unknown</th></tr>\n", o);
	counts(f, c);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(o, "<tr><td class=\"h\">%s</td><td>%zu</td><td>%zu</td><td>%zu</td></tr>\n",
			guest_kind_id((enum guest_kind)k), c[k][0], c[k][1], c[k][2]);
	fputs("</table>\n", o);
	if (nb)
		fputs("<h2>Hosts that share a blocker</h2>\n<ul>\n", o);
	for (size_t i = 0; i < nb; i++) {
		fputs("<li><code>", o);
		text_escape_markup(o, b[i].cap);
		fprintf(o, "</code>: %zu hosts:", b[i].nhosts);
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
	size_t *idx = sorted_hosts(f);

	switch (fmt) {
	case FLEET_CSV:
		render_csv(f, idx, out);
		break;
	case FLEET_MARKDOWN:
		render_markdown(f, idx, out);
		break;
	case FLEET_HTML:
		render_html(f, idx, out);
		break;
	default:
		render_text(f, idx, out);
	}
	free(idx);
	return ferror(out) ? -5 : 0;
}
