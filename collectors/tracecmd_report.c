// SPDX-License-Identifier: GPL-2.0
/*
 * `trace-cmd report` text -> ipi_match records (see tracecmd_report.h).
 */
#include "tracecmd_report.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum ib_ipi_rec_type type;
	enum ib_ipi_recv_kind recv;
} known_events[] = {
	{ "csd_queue_cpu", IB_IPI_REC_CSD_QUEUE, 0 },
	{ "ipi_send_cpu", IB_IPI_REC_SEND_CPU, 0 },
	{ "ipi_send_cpumask", IB_IPI_REC_SEND_CPUMASK, 0 },
	{ "call_function_entry", IB_IPI_REC_RECV, IB_IPI_RECV_CALL_FUNCTION },
	{ "call_function_single_entry", IB_IPI_REC_RECV, IB_IPI_RECV_CALL_FUNCTION_SINGLE },
	{ "reschedule_entry", IB_IPI_REC_RECV, IB_IPI_RECV_RESCHEDULE },
	{ "local_timer_entry", IB_IPI_REC_RECV, IB_IPI_RECV_LOCAL_TIMER },
	{ "ct_work_defer", IB_IPI_REC_CT_DEFER, 0 },
	{ "ct_work_run", IB_IPI_REC_CT_RUN, 0 },
	{ "user_enter", IB_IPI_REC_USER_ENTER, 0 },
	{ "user_exit", IB_IPI_REC_USER_EXIT, 0 },
	{ "cpu_idle", IB_IPI_REC_IDLE, 0 },
};

/* Copy the value of "key=" from the fields text into @buf; false if absent. */
static bool field(const char *fields, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = fields;

	while ((p = strstr(p, key))) {
		if ((p == fields || isspace((unsigned char)p[-1])) && p[klen] == '=') {
			size_t n;

			p += klen + 1;
			n = strcspn(p, " \t\r\n");
			if (n >= len)
				n = len - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return true;
		}
		p += klen;
	}
	return false;
}

static bool is_null_pointer(const char *s)
{
	return !strcmp(s, "0x0") || !strcmp(s, "(nil)") || !strcmp(s, "0") ||
	       !strcmp(s, "0x0000000000000000") || !strcmp(s, "(null)");
}

/* "sym+0x20/0x60" -> "sym+0x20" */
static void norm_callsite(char *s)
{
	char *slash = strchr(s, '/');

	if (slash && strchr(s, '+') && strchr(s, '+') < slash)
		*slash = '\0';
}

/* "sym+0x0" -> "sym"; returns false for a NULL pointer. */
static bool norm_func(char *s)
{
	char *plus;

	if (is_null_pointer(s))
		return false;
	plus = strchr(s, '+');
	if (plus && plus != s)
		*plus = '\0';
	return true;
}

static bool parse_int(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < 0 || v >= IB_MAX_CPUS)
		return false;
	*out = v;
	return true;
}

/* "1090.998009" -> ns; false unless digits '.' digits. */
static bool parse_ts(const char *s, size_t len, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	size_t i = 0, digits = 0;

	if (!len || !isdigit((unsigned char)s[0]))
		return false;
	while (i < len && isdigit((unsigned char)s[i]))
		sec = sec * 10 + (s[i++] - '0');
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && isdigit((unsigned char)s[i])) {
			if (digits < 9) {
				frac = frac * 10 + (s[i] - '0');
				digits++;
			}
			i++;
		}
	}
	if (i != len)
		return false;
	while (digits++ < 9)
		frac *= 10;
	*ns = sec * 1000000000ULL + frac;
	return true;
}

/* Find " [NNN]" (the CPU column); returns its '[' or NULL. */
static const char *find_cpu_column(const char *line)
{
	const char *p = line;

	while ((p = strchr(p, '['))) {
		const char *q = p + 1;

		if (p > line && p[-1] == ' ' && isdigit((unsigned char)*q)) {
			while (isdigit((unsigned char)*q))
				q++;
			if (*q == ']' && (q[1] == ' ' || q[1] == '\t'))
				return p;
		}
		p++;
	}
	return NULL;
}

int ib_tcr_parse_line(const char *line, struct ib_tcr_event *ev)
{
	const char *bracket, *p, *start, *end, *fields, *tok;
	char num[32];
	size_t n, i;
	int cpu;

	memset(ev, 0, sizeof(*ev));
	bracket = find_cpu_column(line);
	if (!bracket)
		return 0;
	cpu = atoi(bracket + 1);
	if (cpu < 0 || cpu >= IB_MAX_CPUS)
		return 0;

	/* comm-pid, maybe after an "instance:" prefix. */
	start = line;
	while (start < bracket && isspace((unsigned char)*start))
		start++;
	end = bracket;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	tok = start;
	while (tok < end && !isspace((unsigned char)*tok))
		tok++;
	if (tok < end && tok > start && tok[-1] == ':') {
		start = tok;
		while (start < end && isspace((unsigned char)*start))
			start++;
	}
	for (p = end; p > start && p[-1] != '-'; p--)
		;
	n = (p > start ? p - 1 : end) - start;
	if (n >= sizeof(ev->comm))
		n = sizeof(ev->comm) - 1;
	memcpy(ev->comm, start, n);
	ev->comm[n] = '\0';

	/* [flags] timestamp: */
	p = strchr(bracket, ']') + 1;
	for (;;) {
		/* Every blank, '\r' and '\n' too: a token must start past them. */
		while (isspace((unsigned char)*p))
			p++;
		tok = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (!*tok)
			return 0;
		if (p[-1] == ':' && parse_ts(tok, p - tok - 1, &ev->rec.ts_ns))
			break;
	}
	/* event: */
	while (*p == ' ' || *p == '\t')
		p++;
	tok = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (p == tok || p[-1] != ':')
		return 0;
	n = p - tok - 1;
	if (n >= sizeof(ev->event))
		n = sizeof(ev->event) - 1;
	memcpy(ev->event, tok, n);
	ev->event[n] = '\0';
	fields = p;

	for (i = 0; i < sizeof(known_events) / sizeof(known_events[0]); i++)
		if (!strcmp(ev->event, known_events[i].name))
			break;
	if (i == sizeof(known_events) / sizeof(known_events[0]))
		return 0;

	ev->rec.type = known_events[i].type;
	ev->rec.recv = known_events[i].recv;
	ev->rec.cpu = cpu;
	ev->rec.comm = ev->comm;
	ev->rec.target = -1;
	switch (ev->rec.type) {
	case IB_IPI_REC_CSD_QUEUE:
	case IB_IPI_REC_SEND_CPU:
		if (!field(fields, "cpu", num, sizeof(num)) || !parse_int(num, &ev->rec.target))
			goto bad;
		/* fall through */
	case IB_IPI_REC_SEND_CPUMASK:
		if (!field(fields, "callsite", ev->callsite, sizeof(ev->callsite)) ||
		    !field(fields, ev->rec.type == IB_IPI_REC_CSD_QUEUE ? "func" : "callback",
			   ev->func, sizeof(ev->func)))
			goto bad;
		norm_callsite(ev->callsite);
		ev->rec.callsite = ev->callsite;
		ev->rec.func = norm_func(ev->func) ? ev->func : NULL;
		if (ev->rec.type == IB_IPI_REC_SEND_CPUMASK) {
			char mask[4096];

			if (!field(fields, "cpumask", mask, sizeof(mask)) ||
			    ib_cpuset_parse(mask, &ev->mask, NULL, 0))
				goto bad;
			ev->rec.targets = &ev->mask;
		}
		return 1;
	case IB_IPI_REC_RECV:
	case IB_IPI_REC_USER_ENTER:
	case IB_IPI_REC_USER_EXIT:
		return 1;
	case IB_IPI_REC_IDLE:
		/* state=4294967295 (PWR_EVENT_EXIT, (u32)-1) leaves idle. */
		if (!field(fields, "state", num, sizeof(num)))
			goto bad;
		ev->rec.idle_exit = !strcmp(num, "4294967295") || !strcmp(num, "-1");
		return 1;
	case IB_IPI_REC_CT_DEFER:
		if ((!field(fields, "cpu", num, sizeof(num)) &&
		     !field(fields, "target_cpu", num, sizeof(num)) &&
		     !field(fields, "target", num, sizeof(num))) ||
		    !parse_int(num, &ev->rec.target))
			goto bad;
		/* fall through */
	case IB_IPI_REC_CT_RUN:
		if (!field(fields, "work", ev->work, sizeof(ev->work)) &&
		    !field(fields, "type", ev->work, sizeof(ev->work)) &&
		    !field(fields, "bits", ev->work, sizeof(ev->work)))
			goto bad;
		ev->rec.work = ev->work;
		return 1;
	}
bad:
	errno = EINVAL;
	return -1;
}

int ib_tcr_feed(FILE *f, struct ib_ipi_match *m, struct ib_tcr_stats *st,
		void (*cb)(const char *line, void *ctx), void *ctx)
{
	return ib_tcr_feed_window(f, m, st, 0, 0, cb, ctx);
}

int ib_tcr_feed_window(FILE *f, struct ib_ipi_match *m, struct ib_tcr_stats *st,
		       uint64_t from_ns, uint64_t to_ns,
		       void (*cb)(const char *line, void *ctx), void *ctx)
{
	struct ib_tcr_event *ev = malloc(sizeof(*ev));
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (!ev)
		return -1;
	while (getline(&line, &cap, f) >= 0) {
		int r = ib_tcr_parse_line(line, ev);

		st->lines++;
		if (ev->event[0] && ((from_ns && ev->rec.ts_ns < from_ns) ||
				     (to_ns && ev->rec.ts_ns > to_ns)))
			continue;
		if (cb)
			cb(line, ctx);
		if (ev->event[0])
			st->events++;
		if (r < 0) {
			st->malformed++;
			continue;
		}
		if (r == 0)
			continue;
		st->decoded++;
		if (ib_ipi_match_feed(m, &ev->rec)) {
			if (errno == ENOMEM) {
				ret = -1;
				break;
			}
			st->malformed++;
		}
	}
	if (ferror(f))
		ret = -1;
	free(line);
	free(ev);
	return ret;
}
