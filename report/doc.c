// SPDX-License-Identifier: GPL-2.0
/*
 * One document written twice: report.md (for a mail or a terminal) and a
 * self-contained report.html (inline CSS, PNGs as base64 data URIs, no
 * external resource). Every call writes the same content to both.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonout.h"
#include "report.h"

struct rp_doc {
	FILE *md, *html;
	char *dir;
	char *md_path, *html_path, *md_tmp, *html_tmp;
	bool in_list;
	size_t ncols;
};

static const char css[] =
	"body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}"
	"table{border-collapse:collapse;margin:.5em 0 1.2em 0;font-size:90%}"
	"th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#eee}td.n{text-align:right;white-space:nowrap}"
	"caption{caption-side:top;text-align:left;font-weight:bold;padding:4px 0}"
	".warn{background:#fff3cd;border:1px solid #e0b000;padding:.6em;margin:.8em 0}"
	"pre{background:#f6f6f6;padding:.5em;overflow-x:auto}"
	"figure{margin:1em 0}figcaption{font-weight:bold}img{max-width:100%}"
	"code{background:#f2f2f2}";

static void html_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* Markdown table cells: a '|' would split the cell. */
static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

struct rp_doc *rp_doc_open(const char *dir, const char *title)
{
	struct rp_doc *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->dir = rp_strdup(dir);
	d->md_path = rp_printf("%s/report.md", dir);
	d->html_path = rp_printf("%s/report.html", dir);
	d->md_tmp = rp_printf("%s/.report.md.tmp", dir);
	d->html_tmp = rp_printf("%s/.report.html.tmp", dir);
	d->md = fopen(d->md_tmp, "w");
	d->html = fopen(d->html_tmp, "w");
	if (!d->md || !d->html) {
		int e = errno;

		if (d->md)
			fclose(d->md);
		if (d->html)
			fclose(d->html);
		free(d->dir);
		free(d->md_path);
		free(d->html_path);
		free(d->md_tmp);
		free(d->html_tmp);
		free(d);
		errno = e;
		return NULL;
	}
	fprintf(d->md, "# %s\n\n", title);
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", d->html);
	html_escape(d->html, title);
	fprintf(d->html, "</title><style>%s</style></head><body>\n<h1>", css);
	html_escape(d->html, title);
	fputs("</h1>\n", d->html);
	return d;
}

int rp_doc_close(struct rp_doc *d)
{
	int rc = 0, err = 0;

	rp_doc_list_end(d);
	fputs("</body></html>\n", d->html);
	/* Any write error on the way (a full disk) fails the whole report:
	 * neither file is published half-written, no temporary file stays. */
	if (ib_file_finish(d->md))
		rc = -1, err = errno;
	if (ib_file_finish(d->html) && !rc)
		rc = -1, err = errno;
	if (!rc && (rename(d->md_tmp, d->md_path) || rename(d->html_tmp, d->html_path)))
		rc = -1, err = errno;
	if (rc) {
		unlink(d->md_tmp);
		unlink(d->html_tmp);
		errno = err;
	}
	free(d->dir);
	free(d->md_path);
	free(d->html_path);
	free(d->md_tmp);
	free(d->html_tmp);
	free(d);
	return rc;
}

void rp_doc_heading(struct rp_doc *d, int level, const char *id, const char *fmt, ...)
{
	va_list ap;
	char *s;

	rp_doc_list_end(d);
	va_start(ap, fmt);
	s = rp_vprintf(fmt, ap);
	va_end(ap);
	fprintf(d->md, "%.*s %s\n\n", level, "######", s);
	fprintf(d->html, "<h%d id=\"%s\">", level, id ? id : "");
	html_escape(d->html, s);
	fprintf(d->html, "</h%d>\n", level);
	free(s);
}

/*
 * A block of text outside any list: @md is the Markdown form (a format
 * with one %s), @open and @close wrap the escaped text in HTML. Frees @s.
 */
static void text_block(struct rp_doc *d, const char *md, const char *open, const char *close,
		       char *s)
{
	rp_doc_list_end(d);
	fprintf(d->md, md, s);
	fputs(open, d->html);
	html_escape(d->html, s);
	fputs(close, d->html);
	free(s);
}

void rp_doc_para(struct rp_doc *d, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rp_vprintf(fmt, ap);
	va_end(ap);
	text_block(d, "%s\n\n", "<p>", "</p>\n", s);
}

void rp_doc_warn(struct rp_doc *d, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rp_vprintf(fmt, ap);
	va_end(ap);
	text_block(d, "> **%s**\n\n", "<div class=\"warn\"><b>", "</b></div>\n", s);
}

void rp_doc_item(struct rp_doc *d, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rp_vprintf(fmt, ap);
	va_end(ap);
	if (!d->in_list)
		fputs("<ul>\n", d->html);
	d->in_list = true;
	fprintf(d->md, "- %s\n", s);
	fputs("<li>", d->html);
	html_escape(d->html, s);
	fputs("</li>\n", d->html);
	free(s);
}

void rp_doc_list_end(struct rp_doc *d)
{
	if (!d->in_list)
		return;
	fputs("\n", d->md);
	fputs("</ul>\n", d->html);
	d->in_list = false;
}

void rp_doc_table(struct rp_doc *d, const char *caption, size_t ncols, const char *const *head)
{
	rp_doc_list_end(d);
	d->ncols = ncols;
	if (caption)
		fprintf(d->md, "%s\n\n", caption);
	fputs("<table>", d->html);
	if (caption) {
		fputs("<caption>", d->html);
		html_escape(d->html, caption);
		fputs("</caption>", d->html);
	}
	fputs("\n<tr>", d->html);
	fputs("|", d->md);
	for (size_t i = 0; i < ncols; i++) {
		fputc(' ', d->md);
		md_cell(d->md, head[i]);
		fputs(" |", d->md);
		fputs("<th>", d->html);
		html_escape(d->html, head[i]);
		fputs("</th>", d->html);
	}
	fputs("\n|", d->md);
	for (size_t i = 0; i < ncols; i++)
		fputs(i ? " ---: |" : " --- |", d->md);
	fputs("\n", d->md);
	fputs("</tr>\n", d->html);
}

/* Numbers (and "-", ranges, ">=x") are right-aligned and never wrapped in HTML. */
static bool numeric(const char *c)
{
	if (!strcmp(c, "-"))
		return true;
	while (*c == '>' || *c == '=' || *c == '+' || *c == '-' || *c == '<' || *c == ' ')
		c++;
	return *c >= '0' && *c <= '9' && strlen(c) < 40;
}

void rp_doc_row(struct rp_doc *d, const char *const *cells)
{
	fputs("|", d->md);
	fputs("<tr>", d->html);
	for (size_t i = 0; i < d->ncols; i++) {
		const char *c = cells[i] ? cells[i] : "";

		fputc(' ', d->md);
		md_cell(d->md, c);
		fputs(" |", d->md);
		fputs(numeric(c) ? "<td class=\"n\">" : "<td>", d->html);
		html_escape(d->html, c);
		fputs("</td>", d->html);
	}
	fputs("\n", d->md);
	fputs("</tr>\n", d->html);
}

void rp_doc_table_end(struct rp_doc *d)
{
	fputs("\n", d->md);
	fputs("</table>\n", d->html);
}

static void base64_file(FILE *out, FILE *in)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char b[3];
	size_t n;

	while ((n = fread(b, 1, 3, in)) > 0) {
		unsigned int v = b[0] << 16 | (n > 1 ? b[1] << 8 : 0) | (n > 2 ? b[2] : 0);

		fputc(tab[v >> 18 & 63], out);
		fputc(tab[v >> 12 & 63], out);
		fputc(n > 1 ? tab[v >> 6 & 63] : '=', out);
		fputc(n > 2 ? tab[v & 63] : '=', out);
	}
}

void rp_doc_image(struct rp_doc *d, const char *file, const char *fmt, ...)
{
	char path[PATH_MAX], *caption;
	va_list ap;
	FILE *in;

	va_start(ap, fmt);
	caption = rp_vprintf(fmt, ap);
	va_end(ap);
	rp_doc_list_end(d);
	snprintf(path, sizeof(path), "%s/%s", d->dir, file);
	fprintf(d->md, "![%s](%s)\n\n%s\n\n", caption, file, caption);
	in = fopen(path, "rb");
	if (!in) {
		fputs("<p>(plot missing: ", d->html);
		html_escape(d->html, file);
		fputs(")</p>\n", d->html);
		free(caption);
		return;
	}
	fputs("<figure><img alt=\"", d->html);
	html_escape(d->html, caption);
	fputs("\" src=\"data:image/png;base64,", d->html);
	base64_file(d->html, in);
	fclose(in);
	fputs("\"><figcaption>", d->html);
	html_escape(d->html, caption);
	fputs("</figcaption></figure>\n", d->html);
	free(caption);
}

void rp_doc_pre(struct rp_doc *d, const char *text)
{
	rp_doc_list_end(d);
	fprintf(d->md, "```\n%s\n```\n\n", text);
	fputs("<pre>", d->html);
	html_escape(d->html, text);
	fputs("</pre>\n", d->html);
}

/*
 * A collapsible block: <details> in the HTML (closed until clicked), a
 * plain heading-like line in the Markdown, where nothing folds.
 */
void rp_doc_details(struct rp_doc *d, const char *summary)
{
	rp_doc_list_end(d);
	fprintf(d->md, "**%s**\n\n", summary);
	fputs("<details><summary>", d->html);
	html_escape(d->html, summary);
	fputs("</summary>\n", d->html);
}

void rp_doc_details_end(struct rp_doc *d)
{
	rp_doc_list_end(d);
	fputs("</details>\n", d->html);
}
