// SPDX-License-Identifier: GPL-2.0
/*
 * The report's "Kernel configuration against Debian's" section: for each
 * compared kernel, the options of guest-kernel/fidelity.list whose value
 * differs from Debian's configuration of the same version, as build-kernel
 * recorded them in kernel.json ("fidelity", docs/results.md).
 */
#include <string.h>

#include "report.h"

/* Tables of the sections added after the per-run table: numbered after it. */
int rp_extra_table_no(const struct rp_analysis *a)
{
	static int last;

	if (last <= a->runs_table_no)
		last = a->runs_table_no;
	return ++last;
}

static void fidelity_kernel(struct rp_doc *d, const struct rp_analysis *a, int s)
{
	const struct rp_campaign *c = a->side[s].camp;
	const char *name = a->side[s].kernel;
	struct json_object *k = rp_jget(c->kernels, name, json_type_object);
	struct json_object *f = rp_jget(k, "fidelity", json_type_object);
	struct json_object *diffs = rp_jget(f, "differences", json_type_array);
	const char *head[] = { "option", "this kernel", "Debian", "why it differs" };
	size_t n = diffs ? json_object_array_length(diffs) : 0;
	char cap[256];

	if (!k) {
		/* A campaign with one kernel: the other side names no kernel at all. */
		bool runs = false;

		for (size_t i = 0; i < c->nruns; i++)
			runs |= rp_run_on_side(&c->runs[i], &a->side[s]);
		if (!runs)
			return;
		rp_doc_para(d, "Kernel %s (%s): kernels/%s.json is missing; its configuration was "
			       "not compared.", name, rp_side_name(a, s), name);
		return;
	}
	if (!f) {
		rp_doc_para(d, "Kernel %s (%s): not compared; its kernel.json has no \"fidelity\" "
			       "field (it was handed out by a build-kernel older than the check).",
			    name, rp_side_name(a, s));
		return;
	}
	if (rp_jget(f, "error", json_type_string)) {
		rp_doc_para(d, "Kernel %s (%s): not compared: %s (reference %s).", name,
			    rp_side_name(a, s), rp_jstr(f, "error", "?"),
			    rp_jstr(f, "reference", "?"));
		return;
	}
	rp_doc_para(d, "Kernel %s (%s, Linux %s): %zu of the %d listed options differ from %s "
		       "(Linux %s, %s); %d of them without a reason in the list.", name,
		    rp_side_name(a, s), rp_jstr(f, "kernelversion", "?"), n,
		    (int)rp_jnum(f, "checked", 0), rp_jstr(f, "package", "Debian's config"),
		    rp_jstr(f, "reference_version", "?"), rp_jstr(f, "reference", "?"),
		    (int)rp_jnum(f, "unexplained", 0));
	if (!n)
		return;
	snprintf(cap, sizeof(cap), "Table %d: options of kernel %s that differ from Debian's "
		 "configuration", rp_extra_table_no(a), name);
	rp_doc_table(d, cap, 4, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(diffs, i);
		const char *row[4];

		row[0] = rp_jstr(e, "option", "?");
		row[1] = rp_jstr(e, "kernel", "?");
		row[2] = rp_jstr(e, "debian", "?");
		row[3] = rp_jstr(e, "reason", "UNEXPLAINED: not a deliberate difference");
		rp_doc_row(d, row);
	}
	rp_doc_table_end(d);
}

void rp_section_fidelity(struct rp_doc *d, struct rp_analysis *a)
{
	rp_doc_heading(d, 2, "fidelity", "Kernel configuration against Debian's");
	rp_doc_para(d, "The options in guest-kernel/fidelity.list change which IPIs reach an "
		       "isolated CPU or what a kernel entry costs (text patching, vmalloc'd stacks "
		       "and JIT memory, huge pages, the preemption model, the speculation "
		       "mitigations). build-kernel compares each kernel's value with Debian's own "
		       "configuration of the same version (package linux-config-6.12, amd64 "
		       "flavour); the list gives the reason for each deliberate difference. An "
		       "unexplained difference means the kernel is not what Debian users run, in a "
		       "way that changes what this report measures.");
	for (int s = 0; s < 2; s++) {
		if (s == 1 && a->side[1].camp == a->side[0].camp &&
		    !strcmp(a->side[1].kernel, a->side[0].kernel))
			break;
		fidelity_kernel(d, a, s);
	}
}
