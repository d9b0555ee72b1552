// SPDX-License-Identifier: GPL-2.0
/*
 * CSD-to-IPI matching and per-callback aggregation (see ipi_match.h).
 *
 * Per sending CPU, the CSDs queued to isolated CPUs wait in a short list
 * until a send on the same CPU decides them:
 *
 *  - an IPI to target T takes the most recent waiting CSD for T with the
 *    same callsite (queue and send share the _RET_IP_ of the queueing
 *    function); for a CSD-carrying callback it falls back to the most recent
 *    CSD for T with any callsite;
 *  - the other CSDs with that callsite were queued in the same batch and got
 *    no IPI: the target's queue was not empty (coalesced) or it was polling;
 *  - a CSD for T with the same callsite as a waiting one replaces it: the
 *    earlier one got no IPI either;
 *  - what is still waiting at the end is "unmatched" (no later event told).
 *
 * Callsites make nesting harmless: an interrupt on the sender that queues
 * and sends its own CSD in the middle of a batch has another callsite.
 *
 * Context: what an isolated CPU was doing when an IPI arrived. Each IPI
 * counted for target T waits in T's arrival list until T's receiving
 * vector's entry event: call_function(_single)_entry for IPIs that carry a
 * function (both vectors drain the same call queue, and the kernel sends
 * only when that queue was empty, so at most one is outstanding),
 * reschedule_entry for the NULL callback. Every waiting IPI of that class sent at or before
 * the entry arrived with it. The CPU's context at the entry comes from its
 * own events, in trace order:
 *
 *   user_enter                       -> user
 *   user_exit                        -> "entering": kernel, entered from user
 *   cpu_idle (state != exit)         -> idle
 *   cpu_idle (state == exit)         -> kernel
 *   a vector entry in "entering"     -> that vector interrupted user space
 *   any other event of the CPU       -> kernel (ct_work_run excepted: it is
 *                                       part of the entry itself)
 *
 * The "entering" rule is the subtle one: an interrupt from user space runs
 * irqentry_enter() -> enter_from_user_mode() -> user_exit, and only then the
 * vector's handler traces its *_entry event, so the last context event
 * before an IPI that interrupted user space is user_exit, not user_enter
 * (tests/data/ipi/context-*.report.txt show it). A syscall or exception
 * also traces user_exit and nothing else, so an IPI that arrives inside one
 * before any other traced event is counted as "user" too; entries from user
 * space that end without a traced vector are counted per CPU
 * ("untraced_entries") so that this can be ruled out (oslat's loop makes
 * none). Before a CPU's first context event its context is unknown.
 * Sends never seen to arrive (no receiving event) are "unknown" at their
 * send time. Counts and times are taken from a log at the end, so the
 * window may be decided after the fact.
 */
#include "ipi_match.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

const char *const ib_ipi_context_names[IB_IPI_CTX_NR] = {
	[IB_IPI_CTX_USER] = "user",
	[IB_IPI_CTX_KERNEL] = "kernel",
	[IB_IPI_CTX_IDLE] = "idle",
	[IB_IPI_CTX_UNKNOWN] = "unknown",
};

const char *const ib_ipi_recv_names[IB_IPI_RECV_NR] = {
	[IB_IPI_RECV_CALL_FUNCTION] = "call_function",
	[IB_IPI_RECV_CALL_FUNCTION_SINGLE] = "call_function_single",
	[IB_IPI_RECV_RESCHEDULE] = "reschedule",
	[IB_IPI_RECV_LOCAL_TIMER] = "local_timer",
};

/* Where a per_callback row's name comes from. */
enum cb_source {
	SRC_CSD,	/* the function of the matched CSD */
	SRC_IPI,	/* the IPI's own callback: no CSD involved */
	SRC_UNMATCHED,	/* a CSD-carrying IPI whose CSD was not found */
	SRC_NR,
};

static const char *const source_names[SRC_NR] = { "csd", "ipi", "unmatched" };

/* CSD outcomes, in the order of ib_ipi_match_csd_count()'s names. */
enum csd_outcome { CSD_QUEUED, CSD_WITH_IPI, CSD_WITHOUT_IPI, CSD_UNMATCHED, CSD_NR };

static const char *const csd_outcome_names[CSD_NR] = {
	"queued", "with_ipi", "without_ipi", "unmatched"
};

/* ---- small hash tables ------------------------------------------------- */

/* uint64 -> uint64, open addressing; a stored key is key + 1 (0 = empty). */
struct cmap {
	uint64_t *keys;
	uint64_t *vals;
	size_t cap;
	size_t n;
};

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t *cmap_slot(struct cmap *c, uint64_t key, bool create)
{
	size_t i;

	if (create && (c->n + 1) * 4 >= c->cap * 3) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		uint64_t *nk = calloc(ncap, sizeof(*nk)), *nv = calloc(ncap, sizeof(*nv));

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return NULL;
		}
		for (size_t j = 0; j < c->cap; j++) {
			if (!c->keys[j])
				continue;
			i = hash64(c->keys[j]) & (ncap - 1);
			while (nk[i])
				i = (i + 1) & (ncap - 1);
			nk[i] = c->keys[j];
			nv[i] = c->vals[j];
		}
		free(c->keys);
		free(c->vals);
		c->keys = nk;
		c->vals = nv;
		c->cap = ncap;
	}
	if (!c->cap)
		return NULL;
	i = hash64(key + 1) & (c->cap - 1);
	while (c->keys[i]) {
		if (c->keys[i] == key + 1)
			return &c->vals[i];
		i = (i + 1) & (c->cap - 1);
	}
	if (!create)
		return NULL;
	c->keys[i] = key + 1;
	c->vals[i] = 0;
	c->n++;
	return &c->vals[i];
}

static int cmap_add(struct cmap *c, uint64_t key, uint64_t v)
{
	uint64_t *p = cmap_slot(c, key, true);

	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*p += v;
	return 0;
}

static uint64_t cmap_get(const struct cmap *c, uint64_t key)
{
	uint64_t *p = cmap_slot((struct cmap *)c, key, false);

	return p ? *p : 0;
}

static void cmap_free(struct cmap *c)
{
	free(c->keys);
	free(c->vals);
	memset(c, 0, sizeof(*c));
}

#define cmap_for_each(c, i) \
	for ((i) = 0; (i) < (c)->cap; (i)++) if ((c)->keys[i])
#define cmap_key(c, i) ((c)->keys[i] - 1)

/* Interned strings: name <-> small id. */
struct strtab {
	char **names;
	size_t n, cap;
	uint32_t *slots;	/* id + 1, 0 = empty */
	size_t nslots;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int strtab_find(const struct strtab *t, const char *s)
{
	size_t i;

	if (!t->nslots)
		return -1;
	i = hash_str(s) & (t->nslots - 1);
	while (t->slots[i]) {
		if (!strcmp(t->names[t->slots[i] - 1], s))
			return t->slots[i] - 1;
		i = (i + 1) & (t->nslots - 1);
	}
	return -1;
}

static int strtab_intern(struct strtab *t, const char *s)
{
	int id = strtab_find(t, s);
	size_t i;

	if (id >= 0)
		return id;
	if ((t->n + 1) * 2 >= t->nslots) {
		size_t nn = t->nslots ? t->nslots * 2 : 64;
		uint32_t *ns = calloc(nn, sizeof(*ns));

		if (!ns)
			return -1;
		for (size_t j = 0; j < t->n; j++) {
			i = hash_str(t->names[j]) & (nn - 1);
			while (ns[i])
				i = (i + 1) & (nn - 1);
			ns[i] = j + 1;
		}
		free(t->slots);
		t->slots = ns;
		t->nslots = nn;
	}
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 32;
		char **nn = realloc(t->names, nc * sizeof(*nn));

		if (!nn)
			return -1;
		t->names = nn;
		t->cap = nc;
	}
	t->names[t->n] = strdup(s);
	if (!t->names[t->n])
		return -1;
	i = hash_str(s) & (t->nslots - 1);
	while (t->slots[i])
		i = (i + 1) & (t->nslots - 1);
	t->slots[i] = t->n + 1;
	return t->n++;
}

static void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->names[i]);
	free(t->names);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* ---- the matcher -------------------------------------------------------- */

struct pending_csd {
	int target;
	int callsite;		/* string ids */
	int func;
	uint64_t ts_ns;
};

struct pending_list {
	struct pending_csd *v;
	size_t n, cap;
};

/* One per_callback row. */
struct cb_row {
	int name;
	enum cb_source source;
	uint64_t total;
	struct cmap per_cpu;
	struct cmap callsites;	/* string id -> count */
	struct cmap senders;	/* string id -> count */
};

/* Context state of one isolated CPU. */
enum cpu_state { CS_UNKNOWN, CS_USER, CS_ENTERING, CS_KERNEL, CS_IDLE };

/* Which receiving vector an IPI arrives with. */
enum arrival_class { CLS_CSD, CLS_RESCHED, CLS_OTHER };

/* An IPI counted for a target, not yet seen to arrive there. */
struct waiting_ipi {
	uint64_t ts_ns;
	uint32_t row;
	uint8_t cls;
};

struct waiting_list {
	struct waiting_ipi *v;
	size_t n, cap;
};

/* The log the context counts are taken from at the end. */
enum log_kind { LOG_ARRIVAL, LOG_STATE, LOG_UNTRACED };

struct log_entry {
	uint64_t ts_ns;
	uint32_t row;		/* LOG_ARRIVAL */
	uint16_t cpu;
	uint8_t kind;
	uint8_t ctx;		/* LOG_ARRIVAL: at arrival; LOG_STATE: from now on */
};

struct ib_ipi_match {
	struct ib_cpuset isolated;
	enum cpu_state state[IB_MAX_CPUS];
	struct waiting_list waiting[IB_MAX_CPUS];
	struct log_entry *log;
	size_t nlog, caplog;
	uint64_t first_ns, last_ns;	/* of all records */
	uint64_t win_start, win_end;
	bool have_win;
	uint64_t t0_ns;
	bool have_t0;
	struct strtab str;
	struct pending_list pending[IB_MAX_CPUS];
	struct cb_row *rows;
	size_t nrows, caprows;
	struct cmap row_index;		/* name id * SRC_NR + source -> row + 1 */
	struct cmap csd[CSD_NR];	/* func id -> count */
	struct cmap received[IB_IPI_RECV_NR];	/* cpu -> count */
	struct cmap ct_defer;		/* work id << 16 | cpu -> count */
	struct cmap ct_run;
	struct cmap timeline;		/* second << 32 | row -> count */
	struct ib_ipi_totals tot;
	int id_csd_callback;
	int id_null;
	int id_unknown;
	int last_cb;			/* name of the last send's first IPI, -1 */
};

struct ib_ipi_match *ib_ipi_match_new(const struct ib_cpuset *isolated, uint64_t t0_ns)
{
	struct ib_ipi_match *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->isolated = *isolated;
	m->t0_ns = t0_ns;
	m->have_t0 = t0_ns != 0;
	m->last_cb = -1;
	m->id_csd_callback = strtab_intern(&m->str, IB_IPI_CSD_CALLBACK);
	m->id_null = strtab_intern(&m->str, IB_IPI_NULL_CALLBACK);
	m->id_unknown = strtab_intern(&m->str, "<unknown>");
	if (m->id_csd_callback < 0 || m->id_null < 0 || m->id_unknown < 0) {
		ib_ipi_match_free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

void ib_ipi_match_free(struct ib_ipi_match *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < IB_MAX_CPUS; i++) {
		free(m->pending[i].v);
		free(m->waiting[i].v);
	}
	free(m->log);
	for (size_t i = 0; i < m->nrows; i++) {
		cmap_free(&m->rows[i].per_cpu);
		cmap_free(&m->rows[i].callsites);
		cmap_free(&m->rows[i].senders);
	}
	free(m->rows);
	cmap_free(&m->row_index);
	for (int i = 0; i < CSD_NR; i++)
		cmap_free(&m->csd[i]);
	for (int i = 0; i < IB_IPI_RECV_NR; i++)
		cmap_free(&m->received[i]);
	cmap_free(&m->ct_defer);
	cmap_free(&m->ct_run);
	cmap_free(&m->timeline);
	strtab_free(&m->str);
	free(m);
}

/* Intern @s; NULL stands for @null_id. */
static int intern(struct ib_ipi_match *m, const char *s, int null_id)
{
	return s ? strtab_intern(&m->str, s) : null_id;
}

static bool is_csd_callback(const struct ib_ipi_match *m, int id)
{
	/* Kernels before 6.4 had a separate many-CPUs handler. */
	return id == m->id_csd_callback ||
	       !strcmp(m->str.names[id], "generic_smp_call_function_interrupt");
}

static struct cb_row *get_row(struct ib_ipi_match *m, int name, enum cb_source src, size_t *index)
{
	uint64_t key = (uint64_t)name * SRC_NR + src;
	uint64_t *slot = cmap_slot(&m->row_index, key, true);

	if (!slot)
		return NULL;
	if (!*slot) {
		if (m->nrows == m->caprows) {
			size_t nc = m->caprows ? m->caprows * 2 : 16;
			struct cb_row *nr = realloc(m->rows, nc * sizeof(*nr));

			if (!nr)
				return NULL;
			m->rows = nr;
			m->caprows = nc;
		}
		memset(&m->rows[m->nrows], 0, sizeof(m->rows[0]));
		m->rows[m->nrows].name = name;
		m->rows[m->nrows].source = src;
		*slot = ++m->nrows;
	}
	*index = *slot - 1;
	return &m->rows[*slot - 1];
}

/* ---- context ------------------------------------------------------------ */

static int log_add(struct ib_ipi_match *m, uint64_t ts, int cpu, enum log_kind kind,
		   enum ib_ipi_context ctx, uint32_t row)
{
	if (m->nlog == m->caplog) {
		size_t nc = m->caplog ? m->caplog * 2 : 1024;
		struct log_entry *nl = realloc(m->log, nc * sizeof(*nl));

		if (!nl) {
			errno = ENOMEM;
			return -1;
		}
		m->log = nl;
		m->caplog = nc;
	}
	m->log[m->nlog++] = (struct log_entry){
		.ts_ns = ts, .row = row, .cpu = cpu, .kind = kind, .ctx = ctx,
	};
	return 0;
}

static enum ib_ipi_context public_context(enum cpu_state st)
{
	switch (st) {
	case CS_USER:
		return IB_IPI_CTX_USER;
	case CS_ENTERING:
	case CS_KERNEL:
		return IB_IPI_CTX_KERNEL;
	case CS_IDLE:
		return IB_IPI_CTX_IDLE;
	case CS_UNKNOWN:
		break;
	}
	return IB_IPI_CTX_UNKNOWN;
}

/* Move @cpu to @st, logging a change of the public context. */
static int set_state(struct ib_ipi_match *m, int cpu, uint64_t ts, enum cpu_state st)
{
	enum ib_ipi_context before = public_context(m->state[cpu]);

	m->state[cpu] = st;
	if (public_context(st) == before)
		return 0;
	return log_add(m, ts, cpu, LOG_STATE, public_context(st), 0);
}

static int wait_arrival(struct ib_ipi_match *m, int target, uint64_t ts, size_t row,
			enum arrival_class cls)
{
	struct waiting_list *w = &m->waiting[target];

	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 8;
		struct waiting_ipi *nv = realloc(w->v, nc * sizeof(*nv));

		if (!nv) {
			errno = ENOMEM;
			return -1;
		}
		w->v = nv;
		w->cap = nc;
	}
	w->v[w->n++] = (struct waiting_ipi){ .ts_ns = ts, .row = row, .cls = cls };
	return 0;
}

/* A receiving vector's entry on isolated CPU @rec->cpu. */
static int feed_arrival(struct ib_ipi_match *m, const struct ib_ipi_rec *rec)
{
	int cpu = rec->cpu;
	enum cpu_state st = m->state[cpu];
	enum ib_ipi_context ctx = st == CS_ENTERING ? IB_IPI_CTX_USER : public_context(st);
	struct waiting_list *w = &m->waiting[cpu];
	enum arrival_class cls;
	size_t keep = 0;

	if (rec->recv == IB_IPI_RECV_CALL_FUNCTION || rec->recv == IB_IPI_RECV_CALL_FUNCTION_SINGLE)
		cls = CLS_CSD;
	else if (rec->recv == IB_IPI_RECV_RESCHEDULE)
		cls = CLS_RESCHED;
	else
		cls = CLS_OTHER;
	for (size_t i = 0; i < w->n; i++) {
		if (cls != CLS_OTHER && w->v[i].cls == cls && w->v[i].ts_ns <= rec->ts_ns) {
			if (log_add(m, rec->ts_ns, cpu, LOG_ARRIVAL, ctx, w->v[i].row))
				return -1;
			continue;
		}
		w->v[keep++] = w->v[i];
	}
	w->n = keep;
	/* The handler runs in the kernel; an interrupted idle loop stays idle. */
	if (st == CS_USER || st == CS_ENTERING)
		return set_state(m, cpu, rec->ts_ns, CS_KERNEL);
	return 0;
}

/* user_enter, user_exit and cpu_idle on isolated CPU @rec->cpu. */
static int feed_context(struct ib_ipi_match *m, const struct ib_ipi_rec *rec)
{
	int cpu = rec->cpu;

	switch (rec->type) {
	case IB_IPI_REC_USER_ENTER:
		/* Back to user space with no traced vector since user_exit. */
		if (m->state[cpu] == CS_ENTERING &&
		    log_add(m, rec->ts_ns, cpu, LOG_UNTRACED, IB_IPI_CTX_KERNEL, 0))
			return -1;
		return set_state(m, cpu, rec->ts_ns, CS_USER);
	case IB_IPI_REC_USER_EXIT:
		return set_state(m, cpu, rec->ts_ns, CS_ENTERING);
	case IB_IPI_REC_IDLE:
		return set_state(m, cpu, rec->ts_ns, rec->idle_exit ? CS_KERNEL : CS_IDLE);
	default:
		break;
	}
	return 0;
}

/* Any other event on an isolated CPU: it is running kernel code. */
static void in_kernel(struct ib_ipi_match *m, int cpu)
{
	if (ib_cpuset_test(&m->isolated, cpu) && m->state[cpu] == CS_ENTERING)
		m->state[cpu] = CS_KERNEL;
}

/* One IPI to @target attributed to (@name, @src). */
static int count_ipi(struct ib_ipi_match *m, const struct ib_ipi_rec *rec, int target, int name,
		     enum cb_source src, int callsite)
{
	struct cb_row *row;
	size_t index;
	uint64_t sec = 0;

	row = get_row(m, name, src, &index);
	if (!row)
		return -1;
	row->total++;
	if (m->last_cb < 0)
		m->last_cb = name;
	if (rec->ts_ns > m->t0_ns)
		sec = (rec->ts_ns - m->t0_ns) / 1000000000ULL;
	if (cmap_add(&row->per_cpu, target, 1) ||
	    cmap_add(&row->callsites, callsite, 1) ||
	    cmap_add(&row->senders, intern(m, rec->comm, m->id_unknown), 1) ||
	    cmap_add(&m->timeline, sec << 32 | index, 1))
		return -1;
	/* Every IPI with a function arrives through the call queue's vector
	 * (6.12 traces irq_work and ttwu queueing with their own function as
	 * the callback); the NULL callback is a reschedule. */
	if (wait_arrival(m, target, rec->ts_ns, index,
			 src == SRC_IPI && name == m->id_null ? CLS_RESCHED : CLS_CSD))
		return -1;
	m->tot.ipis++;
	if (src == SRC_CSD)
		m->tot.ipis_csd++;
	else if (src == SRC_IPI)
		m->tot.ipis_direct++;
	else
		m->tot.ipis_unmatched++;
	return 0;
}

static int csd_outcome(struct ib_ipi_match *m, int func, enum csd_outcome what)
{
	if (what == CSD_WITH_IPI)
		m->tot.csd_with_ipi++;
	else if (what == CSD_WITHOUT_IPI)
		m->tot.csd_without_ipi++;
	else if (what == CSD_UNMATCHED)
		m->tot.csd_unmatched++;
	return cmap_add(&m->csd[what], func, 1);
}

static void pending_remove(struct pending_list *p, size_t i)
{
	memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof(p->v[0]));
	p->n--;
}

/* Most recent waiting CSD for @target (with @callsite unless it is -1). */
static int pending_find(const struct pending_list *p, int target, int callsite)
{
	for (size_t i = p->n; i-- > 0;)
		if (p->v[i].target == target && (callsite < 0 || p->v[i].callsite == callsite))
			return i;
	return -1;
}

static int feed_csd(struct ib_ipi_match *m, const struct ib_ipi_rec *rec)
{
	struct pending_list *p = &m->pending[rec->cpu];
	int callsite = intern(m, rec->callsite, m->id_unknown);
	int func = intern(m, rec->func, m->id_null);
	int i;

	if (callsite < 0 || func < 0)
		return -1;
	if (rec->target < 0 || rec->target >= IB_MAX_CPUS) {
		errno = EINVAL;
		return -1;
	}
	if (!ib_cpuset_test(&m->isolated, rec->target)) {
		m->tot.ignored++;
		return 0;
	}
	m->tot.csd_queued++;
	if (cmap_add(&m->csd[CSD_QUEUED], func, 1))
		return -1;
	i = pending_find(p, rec->target, callsite);
	if (i >= 0) {
		if (csd_outcome(m, p->v[i].func, CSD_WITHOUT_IPI))
			return -1;
		pending_remove(p, i);
	}
	if (p->n == IB_IPI_MAX_PENDING) {
		if (csd_outcome(m, p->v[0].func, CSD_UNMATCHED))
			return -1;
		pending_remove(p, 0);
	}
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 8;
		struct pending_csd *nv = realloc(p->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = (struct pending_csd){
		.target = rec->target, .callsite = callsite, .func = func, .ts_ns = rec->ts_ns,
	};
	return 0;
}

static int send_one(struct ib_ipi_match *m, const struct ib_ipi_rec *rec, int target,
		    int callsite, int callback)
{
	struct pending_list *p = &m->pending[rec->cpu];
	bool csd_cb = is_csd_callback(m, callback);
	int i = pending_find(p, target, callsite);

	if (i < 0 && csd_cb)
		i = pending_find(p, target, -1);
	if (i >= 0) {
		struct pending_csd c = p->v[i];

		pending_remove(p, i);
		if (csd_outcome(m, c.func, CSD_WITH_IPI))
			return -1;
		return count_ipi(m, rec, target, c.func, SRC_CSD, c.callsite);
	}
	return count_ipi(m, rec, target, callback, csd_cb ? SRC_UNMATCHED : SRC_IPI, callsite);
}

static int feed_send(struct ib_ipi_match *m, const struct ib_ipi_rec *rec)
{
	struct pending_list *p = &m->pending[rec->cpu];
	int callsite = intern(m, rec->callsite, m->id_unknown);
	int callback = intern(m, rec->func, m->id_null);
	bool any = false;
	int cpu;

	if (callsite < 0 || callback < 0)
		return -1;
	m->last_cb = -1;
	if (rec->type == IB_IPI_REC_SEND_CPU) {
		if (rec->target < 0 || rec->target >= IB_MAX_CPUS) {
			errno = EINVAL;
			return -1;
		}
		if (ib_cpuset_test(&m->isolated, rec->target)) {
			any = true;
			if (send_one(m, rec, rec->target, callsite, callback))
				return -1;
		}
	} else {
		if (!rec->targets) {
			errno = EINVAL;
			return -1;
		}
		ib_cpuset_for_each(cpu, rec->targets) {
			if (!ib_cpuset_test(&m->isolated, cpu))
				continue;
			any = true;
			if (send_one(m, rec, cpu, callsite, callback))
				return -1;
		}
	}
	if (!any)
		m->tot.ignored++;
	/* The rest of this callsite's batch got no IPI. */
	for (size_t i = 0; i < p->n;) {
		if (p->v[i].callsite != callsite) {
			i++;
			continue;
		}
		if (csd_outcome(m, p->v[i].func, CSD_WITHOUT_IPI))
			return -1;
		pending_remove(p, i);
	}
	return 0;
}

int ib_ipi_match_feed(struct ib_ipi_match *m, const struct ib_ipi_rec *rec)
{
	int work;

	if (rec->cpu < 0 || rec->cpu >= IB_MAX_CPUS) {
		errno = EINVAL;
		return -1;
	}
	if (!m->have_t0) {
		m->t0_ns = rec->ts_ns;
		m->have_t0 = true;
	}
	m->tot.records++;
	if (!m->first_ns || rec->ts_ns < m->first_ns)
		m->first_ns = rec->ts_ns;
	if (rec->ts_ns > m->last_ns)
		m->last_ns = rec->ts_ns;
	switch (rec->type) {
	case IB_IPI_REC_CSD_QUEUE:
		in_kernel(m, rec->cpu);
		return feed_csd(m, rec) ? -1 : 0;
	case IB_IPI_REC_SEND_CPU:
	case IB_IPI_REC_SEND_CPUMASK:
		in_kernel(m, rec->cpu);
		return feed_send(m, rec) ? -1 : 0;
	case IB_IPI_REC_USER_ENTER:
	case IB_IPI_REC_USER_EXIT:
	case IB_IPI_REC_IDLE:
		if (!ib_cpuset_test(&m->isolated, rec->cpu)) {
			m->tot.ignored++;
			return 0;
		}
		return feed_context(m, rec);
	case IB_IPI_REC_RECV:
		if ((unsigned int)rec->recv >= IB_IPI_RECV_NR) {
			errno = EINVAL;
			return -1;
		}
		if (!ib_cpuset_test(&m->isolated, rec->cpu)) {
			m->tot.ignored++;
			return 0;
		}
		if (feed_arrival(m, rec))
			return -1;
		return cmap_add(&m->received[rec->recv], rec->cpu, 1);
	case IB_IPI_REC_CT_DEFER:
	case IB_IPI_REC_CT_RUN: {
		int cpu = rec->type == IB_IPI_REC_CT_DEFER ? rec->target : rec->cpu;

		if (rec->type == IB_IPI_REC_CT_DEFER)
			in_kernel(m, rec->cpu);

		if (cpu < 0 || cpu >= IB_MAX_CPUS) {
			errno = EINVAL;
			return -1;
		}
		if (!ib_cpuset_test(&m->isolated, cpu)) {
			m->tot.ignored++;
			return 0;
		}
		work = intern(m, rec->work, m->id_unknown);
		if (work < 0)
			return -1;
		return cmap_add(rec->type == IB_IPI_REC_CT_DEFER ? &m->ct_defer : &m->ct_run,
				(uint64_t)work << 16 | cpu, 1);
	}
	}
	errno = EINVAL;
	return -1;
}

void ib_ipi_match_finish(struct ib_ipi_match *m)
{
	for (size_t c = 0; c < IB_MAX_CPUS; c++) {
		struct pending_list *p = &m->pending[c];
		struct waiting_list *w = &m->waiting[c];

		for (size_t i = 0; i < p->n; i++)
			csd_outcome(m, p->v[i].func, CSD_UNMATCHED);
		p->n = 0;
		/* Never seen to arrive: unknown, at the time it was sent. */
		for (size_t i = 0; i < w->n; i++)
			log_add(m, w->v[i].ts_ns, c, LOG_ARRIVAL, IB_IPI_CTX_UNKNOWN, w->v[i].row);
		w->n = 0;
	}
}

void ib_ipi_match_set_window(struct ib_ipi_match *m, uint64_t start_ns, uint64_t end_ns)
{
	m->win_start = start_ns;
	m->win_end = end_ns;
	m->have_win = true;
}

static void window(const struct ib_ipi_match *m, uint64_t *start, uint64_t *end)
{
	*start = m->have_win ? m->win_start : m->first_ns;
	*end = m->have_win ? m->win_end : m->last_ns + 1;
}

static bool in_window(const struct ib_ipi_match *m, uint64_t ts)
{
	uint64_t start, end;

	window(m, &start, &end);
	return ts >= start && ts < end;
}

/* Names of @m's rows are compared by id: all rows of @callback match. */
static bool row_is(const struct ib_ipi_match *m, uint32_t row, int id)
{
	return row < m->nrows && m->rows[row].name == id;
}

uint64_t ib_ipi_match_context_count(const struct ib_ipi_match *m, const char *callback, int cpu,
				    enum ib_ipi_context ctx)
{
	int id = strtab_find(&m->str, callback ? callback : IB_IPI_NULL_CALLBACK);
	uint64_t n = 0;

	if (id < 0)
		return 0;
	for (size_t i = 0; i < m->nlog; i++) {
		const struct log_entry *e = &m->log[i];

		if (e->kind == LOG_ARRIVAL && e->ctx == ctx && row_is(m, e->row, id) &&
		    (cpu < 0 || e->cpu == cpu) && in_window(m, e->ts_ns))
			n++;
	}
	return n;
}

/* ns per context of every CPU: @t[cpu * IB_IPI_CTX_NR + ctx]. */
static void context_times(const struct ib_ipi_match *m, uint64_t *t)
{
	uint64_t start, end;
	int cpu;

	window(m, &start, &end);
	ib_cpuset_for_each(cpu, &m->isolated) {
		enum ib_ipi_context cur = IB_IPI_CTX_UNKNOWN;
		uint64_t from = start;

		for (size_t i = 0; i < m->nlog; i++) {
			const struct log_entry *e = &m->log[i];

			if (e->kind != LOG_STATE || e->cpu != cpu)
				continue;
			if (e->ts_ns >= end)
				break;
			if (e->ts_ns > from) {
				t[cpu * IB_IPI_CTX_NR + cur] += e->ts_ns - from;
				from = e->ts_ns;
			}
			cur = e->ctx;
		}
		if (end > from)
			t[cpu * IB_IPI_CTX_NR + cur] += end - from;
	}
}

uint64_t ib_ipi_match_context_time(const struct ib_ipi_match *m, int cpu, enum ib_ipi_context ctx)
{
	uint64_t *t = calloc((size_t)IB_MAX_CPUS * IB_IPI_CTX_NR, sizeof(*t)), v;

	if (!t || cpu < 0 || cpu >= IB_MAX_CPUS || (unsigned int)ctx >= IB_IPI_CTX_NR) {
		free(t);
		return 0;
	}
	context_times(m, t);
	v = t[cpu * IB_IPI_CTX_NR + ctx];
	free(t);
	return v;
}

uint64_t ib_ipi_match_untraced_entries(const struct ib_ipi_match *m, int cpu)
{
	uint64_t n = 0;

	for (size_t i = 0; i < m->nlog; i++)
		if (m->log[i].kind == LOG_UNTRACED && m->log[i].cpu == cpu &&
		    in_window(m, m->log[i].ts_ns))
			n++;
	return n;
}

const char *ib_ipi_match_last_callback(const struct ib_ipi_match *m)
{
	return m->last_cb < 0 ? NULL : m->str.names[m->last_cb];
}

void ib_ipi_match_totals(const struct ib_ipi_match *m, struct ib_ipi_totals *t)
{
	*t = m->tot;
}

uint64_t ib_ipi_match_count(const struct ib_ipi_match *m, const char *callback, int cpu)
{
	int id = strtab_find(&m->str, callback ? callback : IB_IPI_NULL_CALLBACK);
	uint64_t n = 0;

	if (id < 0)
		return 0;
	for (size_t i = 0; i < m->nrows; i++) {
		if (m->rows[i].name != id)
			continue;
		n += cpu < 0 ? m->rows[i].total : cmap_get(&m->rows[i].per_cpu, cpu);
	}
	return n;
}

uint64_t ib_ipi_match_csd_count(const struct ib_ipi_match *m, const char *func, const char *what)
{
	int id = strtab_find(&m->str, func ? func : IB_IPI_NULL_CALLBACK);

	if (id < 0)
		return 0;
	for (int i = 0; i < CSD_NR; i++)
		if (!strcmp(what, csd_outcome_names[i]))
			return cmap_get(&m->csd[i], id);
	return 0;
}

uint64_t ib_ipi_match_received(const struct ib_ipi_match *m, enum ib_ipi_recv_kind kind, int cpu)
{
	if ((unsigned int)kind >= IB_IPI_RECV_NR)
		return 0;
	return cmap_get(&m->received[kind], cpu);
}

/* ---- JSON ---------------------------------------------------------------- */

static struct json_object *u64(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

/* {"2": n, "3": n} over the isolated CPUs, zeros included. */
static struct json_object *per_cpu_json(const struct ib_ipi_match *m, const struct cmap *c)
{
	struct json_object *o = json_object_new_object();
	char key[16];
	int cpu;

	ib_cpuset_for_each(cpu, &m->isolated) {
		snprintf(key, sizeof(key), "%d", cpu);
		json_object_object_add(o, key, u64(cmap_get(c, cpu)));
	}
	return o;
}

struct kv {
	const char *name;
	uint64_t n;
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* {"name": n, ...} of a string-id map, largest first. */
static struct json_object *names_json(const struct ib_ipi_match *m, const struct cmap *c)
{
	struct json_object *o = json_object_new_object();
	struct kv *v = calloc(c->n ? c->n : 1, sizeof(*v));
	size_t i, n = 0;

	if (!v)
		return o;
	cmap_for_each(c, i)
		v[n++] = (struct kv){ m->str.names[cmap_key(c, i)], c->vals[i] };
	qsort(v, n, sizeof(*v), kv_cmp);
	for (i = 0; i < n; i++)
		json_object_object_add(o, v[i].name, u64(v[i].n));
	free(v);
	return o;
}

static const struct ib_ipi_match *sort_m;

static int row_cmp(const void *a, const void *b)
{
	const struct cb_row *x = *(const struct cb_row *const *)a;
	const struct cb_row *y = *(const struct cb_row *const *)b;
	int c;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	c = strcmp(sort_m->str.names[x->name], sort_m->str.names[y->name]);
	return c ? c : (int)x->source - (int)y->source;
}

struct tl_entry {
	uint64_t sec;
	const char *name;
	uint64_t n;
};

static int tl_cmp(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* {type: {cpu: n}} of a ct_work map. */
static struct json_object *ct_json(const struct ib_ipi_match *m, const struct cmap *c)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	cmap_for_each(c, i) {
		uint64_t key = cmap_key(c, i);
		const char *type = m->str.names[key >> 16];
		struct json_object *t;
		char cpu[16];

		if (!json_object_object_get_ex(o, type, &t)) {
			t = json_object_new_object();
			json_object_object_add(o, type, t);
		}
		snprintf(cpu, sizeof(cpu), "%d", (int)(key & 0xffff));
		json_object_object_add(t, cpu, u64(c->vals[i]));
	}
	return o;
}

/* {"user": n, "kernel": n, "idle": n, "unknown": n} of @c (key cpu * NR + ctx). */
static struct json_object *ctx_counts_json(const struct cmap *c, int cpu)
{
	struct json_object *o = json_object_new_object();
	int cpu2;

	for (int k = 0; k < IB_IPI_CTX_NR; k++) {
		uint64_t n = 0;

		if (cpu >= 0) {
			n = cmap_get(c, (uint64_t)cpu * IB_IPI_CTX_NR + k);
		} else {
			for (cpu2 = 0; cpu2 < IB_MAX_CPUS; cpu2++)
				n += cmap_get(c, (uint64_t)cpu2 * IB_IPI_CTX_NR + k);
		}
		json_object_object_add(o, ib_ipi_context_names[k], u64(n));
	}
	return o;
}

/* per_context and per_cpu_context of one row, from its arrival counts. */
static void row_context_json(const struct ib_ipi_match *m, const struct cmap *c,
			     struct json_object *o)
{
	struct json_object *pc = json_object_new_object();
	char key[16];
	int cpu;

	json_object_object_add(o, "per_context", ctx_counts_json(c, -1));
	ib_cpuset_for_each(cpu, &m->isolated) {
		snprintf(key, sizeof(key), "%d", cpu);
		json_object_object_add(pc, key, ctx_counts_json(c, cpu));
	}
	json_object_object_add(o, "per_cpu_context", pc);
}

int ib_ipi_match_context_json(const struct ib_ipi_match *m, struct json_object *context)
{
	uint64_t *t = calloc((size_t)IB_MAX_CPUS * IB_IPI_CTX_NR, sizeof(*t));
	struct json_object *times, *untraced;
	uint64_t unclassified = 0;
	char key[16];
	int cpu;

	if (!t) {
		errno = ENOMEM;
		return -1;
	}
	context_times(m, t);
	times = json_object_new_object();
	untraced = json_object_new_object();
	ib_cpuset_for_each(cpu, &m->isolated) {
		struct json_object *c = json_object_new_object();

		for (int k = 0; k < IB_IPI_CTX_NR; k++)
			json_object_object_add(c, ib_ipi_context_names[k],
					       json_object_new_double(t[cpu * IB_IPI_CTX_NR + k] / 1e9));
		snprintf(key, sizeof(key), "%d", cpu);
		json_object_object_add(times, key, c);
		json_object_object_add(untraced, key, u64(ib_ipi_match_untraced_entries(m, cpu)));
	}
	for (size_t i = 0; i < m->nlog; i++)
		if (m->log[i].kind == LOG_ARRIVAL && m->log[i].ctx == IB_IPI_CTX_UNKNOWN &&
		    in_window(m, m->log[i].ts_ns))
			unclassified++;
	json_object_object_add(context, "time_s", times);
	json_object_object_add(context, "unclassified_ipis", u64(unclassified));
	json_object_object_add(context, "untraced_entries", untraced);
	free(t);
	return 0;
}

int ib_ipi_match_json(const struct ib_ipi_match *m, struct json_object *root)
{
	struct json_object *arr = json_object_new_array(), *o, *recv, *ct;
	const struct cb_row **rows = calloc(m->nrows ? m->nrows : 1, sizeof(*rows));
	struct tl_entry *tl = calloc(m->timeline.n ? m->timeline.n : 1, sizeof(*tl));
	struct cmap *ctxc = calloc(m->nrows ? m->nrows : 1, sizeof(*ctxc));
	size_t i, n = 0;

	for (i = 0; ctxc && i < m->nlog; i++) {
		const struct log_entry *e = &m->log[i];

		if (e->kind != LOG_ARRIVAL || e->row >= m->nrows || !in_window(m, e->ts_ns))
			continue;
		if (cmap_add(&ctxc[e->row], (uint64_t)e->cpu * IB_IPI_CTX_NR + e->ctx, 1)) {
			for (size_t r = 0; r < m->nrows; r++)
				cmap_free(&ctxc[r]);
			free(ctxc);
			ctxc = NULL;
		}
	}
	if (!rows || !tl || !ctxc) {
		free(rows);
		free(tl);
		free(ctxc);
		json_object_put(arr);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < m->nrows; i++)
		rows[i] = &m->rows[i];
	sort_m = m;
	qsort(rows, m->nrows, sizeof(*rows), row_cmp);
	for (i = 0; i < m->nrows; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "callback", json_object_new_string(m->str.names[rows[i]->name]));
		json_object_object_add(o, "source", json_object_new_string(source_names[rows[i]->source]));
		json_object_object_add(o, "total", u64(rows[i]->total));
		json_object_object_add(o, "per_cpu", per_cpu_json(m, &rows[i]->per_cpu));
		json_object_object_add(o, "callsites", names_json(m, &rows[i]->callsites));
		json_object_object_add(o, "senders", names_json(m, &rows[i]->senders));
		row_context_json(m, &ctxc[rows[i] - m->rows], o);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "per_callback", arr);
	json_object_object_add(root, "ipis_total", u64(m->tot.ipis));
	json_object_object_add(root, "ipis_csd", u64(m->tot.ipis_csd));
	json_object_object_add(root, "ipis_direct", u64(m->tot.ipis_direct));
	json_object_object_add(root, "ipis_unmatched", u64(m->tot.ipis_unmatched));
	json_object_object_add(root, "csd_queued", u64(m->tot.csd_queued));
	json_object_object_add(root, "csd_with_ipi", u64(m->tot.csd_with_ipi));
	json_object_object_add(root, "csd_without_ipi", u64(m->tot.csd_without_ipi));
	json_object_object_add(root, "csd_unmatched", u64(m->tot.csd_unmatched));

	o = json_object_new_object();
	cmap_for_each(&m->csd[CSD_QUEUED], i) {
		uint64_t func = cmap_key(&m->csd[CSD_QUEUED], i);
		struct json_object *f = json_object_new_object();

		for (int w = 0; w < CSD_NR; w++)
			json_object_object_add(f, csd_outcome_names[w], u64(cmap_get(&m->csd[w], func)));
		json_object_object_add(o, m->str.names[func], f);
	}
	json_object_object_add(root, "csd", o);

	recv = json_object_new_object();
	for (int k = 0; k < IB_IPI_RECV_NR; k++)
		json_object_object_add(recv, ib_ipi_recv_names[k], per_cpu_json(m, &m->received[k]));
	json_object_object_add(root, "received", recv);

	ct = json_object_new_object();
	json_object_object_add(ct, "deferred", ct_json(m, &m->ct_defer));
	json_object_object_add(ct, "run", ct_json(m, &m->ct_run));
	json_object_object_add(root, "ct_work", ct);

	cmap_for_each(&m->timeline, i) {
		uint64_t key = cmap_key(&m->timeline, i);

		tl[n++] = (struct tl_entry){ key >> 32, m->str.names[m->rows[key & 0xffffffff].name],
					     m->timeline.vals[i] };
	}
	qsort(tl, n, sizeof(*tl), tl_cmp);
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		/* Rows of one name (csd and unmatched) share a line. */
		if (i && tl[i].sec == tl[i - 1].sec && !strcmp(tl[i].name, tl[i - 1].name)) {
			struct json_object *last = json_object_array_get_idx(arr,
						   json_object_array_length(arr) - 1), *c;

			json_object_object_get_ex(last, "count", &c);
			json_object_set_int64(c, json_object_get_int64(c) + tl[i].n);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "t", u64(tl[i].sec));
		json_object_object_add(o, "callback", json_object_new_string(tl[i].name));
		json_object_object_add(o, "count", u64(tl[i].n));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "timeline", arr);
	for (i = 0; i < m->nrows; i++)
		cmap_free(&ctxc[i]);
	free(ctxc);
	free(rows);
	free(tl);
	return 0;
}
