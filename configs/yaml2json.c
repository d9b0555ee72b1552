// SPDX-License-Identifier: GPL-2.0
/*
 * YAML campaign files to a json-c tree, through libyaml's event parser.
 * Plain scalars become integers, numbers, booleans or null where they read
 * as such; quoted scalars stay strings. Anchors and tags are not supported
 * (campaign files do not need them) and are reported as errors.
 */
#include "yaml2json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static struct json_object *scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	char *end;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_object_new_string(v);
	if (!strcmp(v, "true") || !strcmp(v, "yes"))
		return json_object_new_boolean(1);
	if (!strcmp(v, "false") || !strcmp(v, "no"))
		return json_object_new_boolean(0);
	if (!strcmp(v, "null") || !strcmp(v, "~") || !*v)
		return NULL;
	errno = 0;
	{
		long long n = strtoll(v, &end, 10);

		if (!*end && !errno && end != v)
			return json_object_new_int64(n);
	}
	{
		double d = strtod(v, &end);

		if (!*end && end != v && strspn(v, "0123456789.+-eE") == strlen(v))
			return json_object_new_double(d);
	}
	return json_object_new_string(v);
}

struct parse {
	yaml_parser_t parser;
	char *err;
	size_t errlen;
	const char *path;
};

static int fail(struct parse *p, const yaml_event_t *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct parse *p, const yaml_event_t *ev, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ev)
		snprintf(p->err, p->errlen, "%s:%zu: %s", p->path, ev->start_mark.line + 1, msg);
	else
		snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
	errno = EINVAL;
	return -1;
}

static int next(struct parse *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->parser, ev))
		return fail(p, NULL, "YAML syntax error at line %zu: %s",
			    p->parser.problem_mark.line + 1,
			    p->parser.problem ? p->parser.problem : "unknown");
	return 0;
}

/*
 * Campaign files nest four or five levels; a deeper file is refused before
 * the recursion below can exhaust the stack (100,000 '[' crashed it).
 */
#define YAML_MAX_DEPTH 64

static int node(struct parse *p, yaml_event_t *ev, struct json_object **out, int depth);

/* As node(), and on failure no half-built tree is left behind. */
static int node_or_free(struct parse *p, yaml_event_t *ev, struct json_object **out, int depth)
{
	*out = NULL;
	if (node(p, ev, out, depth) < 0) {
		json_object_put(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* Parse one node whose first event is @ev (consumed). */
static int node(struct parse *p, yaml_event_t *ev, struct json_object **out, int depth)
{
	yaml_event_t e;

	if (depth > YAML_MAX_DEPTH)
		return fail(p, ev, "nested more than %d levels deep; campaign files need a few",
			    YAML_MAX_DEPTH);
	if (ev->type == YAML_ALIAS_EVENT)
		return fail(p, ev, "YAML aliases are not supported in campaign files");
	if (ev->type == YAML_SCALAR_EVENT) {
		*out = scalar(ev);
		return 0;
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		*out = json_object_new_array();
		for (;;) {
			struct json_object *item;

			if (next(p, &e) < 0)
				return -1;
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				return 0;
			}
			if (node_or_free(p, &e, &item, depth + 1) < 0) {
				yaml_event_delete(&e);
				return -1;
			}
			yaml_event_delete(&e);
			json_object_array_add(*out, item);
		}
	}
	if (ev->type == YAML_MAPPING_START_EVENT) {
		*out = json_object_new_object();
		for (;;) {
			struct json_object *val;
			char *key;

			if (next(p, &e) < 0)
				return -1;
			if (e.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&e);
				return 0;
			}
			if (e.type != YAML_SCALAR_EVENT) {
				fail(p, &e, "mapping keys must be plain words");
				yaml_event_delete(&e);
				return -1;
			}
			key = strdup((const char *)e.data.scalar.value);
			if (!key) {
				fail(p, &e, "out of memory");
				yaml_event_delete(&e);
				return -1;
			}
			if (json_object_object_get_ex(*out, key, NULL)) {
				fail(p, &e, "key '%s' appears twice", key);
				free(key);
				yaml_event_delete(&e);
				return -1;
			}
			yaml_event_delete(&e);
			if (next(p, &e) < 0) {
				free(key);
				return -1;
			}
			if (node_or_free(p, &e, &val, depth + 1) < 0) {
				free(key);
				yaml_event_delete(&e);
				return -1;
			}
			yaml_event_delete(&e);
			json_object_object_add(*out, key, val);
			free(key);
		}
	}
	return fail(p, ev, "unexpected YAML event");
}

struct json_object *ib_yaml_load(const char *path, char *err, size_t errlen)
{
	struct parse p = { .err = err, .errlen = errlen, .path = path };
	struct json_object *root = NULL;
	yaml_event_t ev;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	yaml_parser_initialize(&p.parser);
	yaml_parser_set_input_file(&p.parser, f);
	for (;;) {
		if (next(&p, &ev) < 0)
			goto out_err;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT ||
		    ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (root) {
			fail(&p, &ev, "only one YAML document per campaign file");
			yaml_event_delete(&ev);
			goto out_err;
		}
		if (node_or_free(&p, &ev, &root, 0) < 0) {
			yaml_event_delete(&ev);
			goto out_err;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p.parser);
	fclose(f);
	if (!root)
		snprintf(err, errlen, "%s: the file is empty", path);
	return root;
out_err:
	json_object_put(root);
	yaml_parser_delete(&p.parser);
	fclose(f);
	return NULL;
}
