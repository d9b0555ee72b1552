/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_KINDS_H
#define ISOLBENCH_KINDS_H

/*
 * The one table of kinds and the one description of a campaign file.
 *
 * Every case, noise, provoker and collector kind (and every other word a
 * campaign file may choose from: accelerators, entry kinds, ...) is one
 * entry of ib_kinds[] in lib/kinds.c, in the style of stress-ng's stressor
 * table: its name, what it does, the settings block it reads, the
 * collectors that apply to it, how the runner starts it and which report
 * section shows it. Every field of a campaign file, with its type, range
 * and default, is one entry of the field tree under ib_campaign_fields.
 *
 * Who reads it: isolbench-config (check, resolve, and the generated
 * docs/config.md and configs/campaign.schema.json), the job loader
 * (lib/jobspec.c: the same limits inside the guest), the runner
 * (bench/run.c: the argv templates) and the report (section names).
 * Adding a kind is one entry here plus the kind's own code and test.
 */

#include <stdbool.h>
#include <stddef.h>

/* The words of one class are chosen in one place of a campaign file. */
enum ib_kind_class {
	IB_KC_CASE,		/* cases[].kind: the measurement */
	IB_KC_NOISE,		/* cases[].noise[]: load on the housekeeping CPUs */
	IB_KC_PROVOKER,		/* cases[].provokers[].kind: isolbench-storm --kind */
	IB_KC_COLLECTOR,	/* cases[].collectors[] */
	IB_KC_ENTRY,		/* cases[].entry.kind: isolbench-entry -k */
	IB_KC_ACCEL,		/* guest.accel */
	IB_KC_TCG_THREADS,	/* guest.tcg_threads */
	IB_KC_WHEN_TCG,		/* cases[].when_tcg */
	IB_KC_COUNT,
};

/* Limits shared by the checker, the job loader and the tools. */
#define IB_JOB_MAX_ITEMS	8		/* noise, provokers, collectors per case */
#define IB_ENTRY_MAX_RATES	64		/* rates per entry sweep */
#define IB_ENTRY_MAX_RATE	100000000ULL	/* entries per second and CPU */
#define IB_ARGV_MAX		80		/* arguments of one runner task */

enum ib_field_type {
	IB_FT_INT,		/* a whole number in min..max */
	IB_FT_DURATION,		/* "20s", "2m": min..max seconds */
	IB_FT_STRING,		/* free text */
	IB_FT_NAME,		/* a name: 1..64 letters, digits, '.', '_', '-' */
	IB_FT_BOOL,
	IB_FT_CPULIST,		/* "2-3" */
	IB_FT_CPULIST_AUTO,	/* "auto" or a CPU list */
	IB_FT_KIND,		/* one kind of class @kinds */
	IB_FT_KIND_LIST,	/* a list of kinds of class @kinds, at most max */
	IB_FT_RATES,		/* "1000,10k,max": at most max rates of 1..IB_ENTRY_MAX_RATE */
	IB_FT_SOURCE,		/* debian:<package>, a kernel tree or a tarball */
	IB_FT_PATH,		/* an existing folder */
	IB_FT_PATH_LIST,	/* fragment names or paths */
	IB_FT_OBJECT,		/* a mapping of the fields in @sub */
	IB_FT_LIST,		/* a list (min..max items) of mappings of the fields in @sub */
	IB_FT_MAP,		/* a mapping the report judges (gates) */
};

#define IB_FF_REQUIRED	0x1	/* no default: the file must say it */

/*
 * One field of a campaign file. @def is the default as a campaign file
 * would write it (NULL: none, or computed: @def_note says how).
 */
struct ib_field {
	const char *name;
	enum ib_field_type type;
	long long min, max;
	const char *def;
	const char *def_note;
	enum ib_kind_class kinds;
	const struct ib_field *sub;
	unsigned int flags;
	const char *help;
};

/* Kind flags. */
#define IB_KF_VICTIMS	0x1	/* provoker: spins victim threads on the isolated CPUs */
#define IB_KF_RESTART	0x2	/* noise: restarted whenever it exits */

/*
 * One kind. Runner templates (@argv) are expanded by bench/run.c:
 *   {hk} {iso}   the housekeeping / isolated CPU lists
 *   {hk0}        the first housekeeping CPU
 *   {nhk} {nhk3} the number of housekeeping CPUs, and three times it
 *   {kind}       the kind's name          {out}  the task's output file
 * A kind without a template (cases, collectors) is built by the runner's
 * code for it (@builder names the function in bench/run.c).
 */
struct ib_kind {
	enum ib_kind_class cls;
	const char *name;
	const char *help;
	const struct ib_field *settings;	/* case: the cases[].<kind> block */
	const char *const *collectors;		/* case: collectors that apply; NULL all */
	const char *section;			/* report section (anchor in report.md) */
	const char *task;			/* runner task name ("storm-{kind}") */
	const char *out;			/* the task's output file ("{task}.json") */
	const char *const *argv;		/* runner command template */
	const char *builder;			/* or the runner function that builds it */
	unsigned int flags;
};

extern const struct ib_kind ib_kinds[];
extern const size_t ib_nkinds;
extern const struct ib_field ib_campaign_fields[];

/**
 * ib_kind_find() - the kind @name of class @cls.
 * @cls:  the class
 * @name: the word a campaign file or job spec used
 *
 * Return: the kind, or NULL when @cls has no kind @name.
 */
const struct ib_kind *ib_kind_find(enum ib_kind_class cls, const char *name);

/**
 * ib_kind_class_name() - the class as a campaign file's reader knows it.
 * @cls: the class
 *
 * Return: "case", "noise", "provoker", ... (static).
 */
const char *ib_kind_class_name(enum ib_kind_class cls);

/**
 * ib_kind_list() - the names of every kind of @cls, joined by @sep.
 * @cls: the class
 * @sep: separator, e.g. ", "
 * @buf: the output (cut at @len, always terminated)
 * @len: size of @buf
 *
 * Return: @buf.
 */
char *ib_kind_list(enum ib_kind_class cls, const char *sep, char *buf, size_t len);

/**
 * ib_kind_applies() - whether collector @collector applies to case kind @cs.
 * @cs:        a case kind
 * @collector: a collector kind's name
 *
 * Return: true when the case lists it (or lists none, which means all).
 */
bool ib_kind_applies(const struct ib_kind *cs, const char *collector);

/**
 * ib_field_find() - the field at a dotted path, e.g. "guest.vcpus",
 * "cases.entry.rates", "cases.provokers.rate".
 * @path: field names joined by '.'; a list's items are entered by its name
 *
 * Return: the field, or NULL. A case kind's settings block
 * (cases.<kind>.<field>) is found in that kind's @settings.
 */
const struct ib_field *ib_field_find(const char *path);

/**
 * ib_field_default_int() - the default of an integer field, from its @def.
 * @path: as for ib_field_find()
 *
 * Return: the default; aborts when @path is not an integer field with a
 * default (a programming error that every test run would show).
 */
long long ib_field_default_int(const char *path);

/* The values a runner template's {placeholders} stand for (NULL: not set). */
struct ib_template_vars {
	const char *hk, *iso, *hk0, *nhk, *nhk3, *kind, *out, *rate;
};

/**
 * ib_template_expand() - one argument of a runner template, filled in.
 * @tmpl:   e.g. "--cpus={hk}"
 * @vars:   the values
 * @err:    on failure, a message naming the placeholder
 * @errlen: size of @err
 *
 * Return: a malloc'd string, or NULL (unknown or unset placeholder, no memory).
 */
char *ib_template_expand(const char *tmpl, const struct ib_template_vars *vars, char *err,
			 size_t errlen);

/**
 * ib_argv_push() - append @s to a NULL-terminated argv of room @max.
 * @argv: the vector (@max entries, the last one kept for NULL)
 * @argc: its length, updated
 * @max:  entries in @argv
 * @s:    a malloc'd argument; owned by @argv on success, freed on failure
 *
 * Return: 0, or -1 with errno E2BIG when @argv is full (nothing is dropped
 * silently: the caller must not run the command).
 */
int ib_argv_push(char **argv, int *argc, int max, char *s);

#endif
