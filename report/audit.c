// SPDX-License-Identifier: GPL-2.0
/*
 * The window audit of the compared kernels: kernel.json's window_audit,
 * written by guest-kernel/build-kernel (guest-kernel/window-audit). It lists
 * the static-key, static-call and alternative sites in the entry and noinstr
 * text, the code a CPU runs while context tracking says it is in user space;
 * a key there that can change after boot is text the series must never
 * patch without an IPI to every CPU.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* "key (site, site), key (site)" for the flagged keys, or "none". */
static char *flagged_text(struct json_object *audit)
{
	struct json_object *flagged = rp_jget(audit, "flagged", json_type_array);
	struct json_object *sites = rp_jget(audit, "sites", json_type_array);
	char *out = rp_strdup("");

	for (size_t i = 0; flagged && i < json_object_array_length(flagged); i++) {
		const char *key = json_object_get_string(json_object_array_get_idx(flagged, i));
		char *where = rp_strdup(""), *o;

		for (size_t j = 0; sites && j < json_object_array_length(sites); j++) {
			struct json_object *s = json_object_array_get_idx(sites, j);
			char *w;

			if (strcmp(rp_jstr(s, "key", ""), key))
				continue;
			w = rp_printf("%s%s%s %s", where, where[0] ? ", " : "",
				      rp_jstr(s, "site", "?"), rp_jstr(s, "window", "?"));
			free(where);
			where = w;
		}
		o = rp_printf("%s%s%s (%s)", out, out[0] ? "; " : "", key, where);
		free(out);
		free(where);
		out = o;
	}
	if (!out[0]) {
		free(out);
		out = rp_strdup("none");
	}
	return out;
}

static char *count_text(struct json_object *audit, const char *kind)
{
	struct json_object *c = rp_jget(rp_jget(audit, "counts", json_type_object), kind,
					json_type_object);

	return rp_printf("%.0f (%.0f run-time writable)", rp_jnum(c, "sites", 0),
			 rp_jnum(c, "runtime_writable", 0));
}

void rp_section_window_audit(struct rp_doc *d, const struct rp_analysis *a)
{
	static const char *const head[] = { "Kernel", "Static-key sites", "Static-call sites",
					    "Alternative sites", "Keys writable at run time (sites)" };

	rp_doc_heading(d, 2, "window-audit", "Patchable text in the context-tracking windows");
	rp_doc_para(d, "Sites in each kernel's .entry.text and .noinstr.text (with .cpuidle.text): "
		       "the code a CPU runs while context tracking says it is in user space, before "
		       "its deferred work ran on entry or after its state became user on exit. From "
		       "the build's vmlinux (kernel.json, window_audit). A key outside "
		       "__ro_after_init can be flipped after boot; the series sends the sync_core "
		       "IPI to every CPU for pokes in this text, and each such key needs a reason in "
		       "guest-kernel/window-audit.allow (tests/integration/window-audit.sh).");
	rp_doc_table(d, "Static-key, static-call and alternative sites in the windows", 5, head);
	for (int s = 0; s < 2; s++) {
		const struct rp_side *side = &a->side[s];
		struct json_object *k = rp_jget(side->camp->kernels, side->kernel, json_type_object);
		struct json_object *audit = rp_jget(k, "window_audit", json_type_object);
		char *name, *c[3], *fl;

		if (s == 1 && side->camp == a->side[0].camp && !strcmp(side->kernel, a->side[0].kernel))
			break;
		name = rp_printf("%s (%s)", side->kernel, rp_side_name(a, s));
		if (!audit) {
			const char *cells[5] = { name, "-", "-", "-",
						 k ? "not audited (built before the audit existed)" :
						     "kernel.json missing" };

			rp_doc_row(d, cells);
			free(name);
			continue;
		}
		c[0] = count_text(audit, "static_key");
		c[1] = count_text(audit, "static_call");
		c[2] = count_text(audit, "alternative");
		fl = flagged_text(audit);
		{
			const char *cells[5] = { name, c[0], c[1], c[2], fl };

			rp_doc_row(d, cells);
		}
		for (int i = 0; i < 3; i++)
			free(c[i]);
		free(fl);
		free(name);
	}
	rp_doc_table_end(d);
}
