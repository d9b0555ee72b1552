// SPDX-License-Identifier: GPL-2.0
#include "jsonfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ib_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

FILE *ib_open_result(const char *path, char *err, size_t errlen)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), saved;
	struct stat st;
	FILE *f;

	if (fd < 0) {
		saved = errno;
		if (saved == ELOOP)
			ib_errf(err, errlen, "%s: is a symbolic link; result files must be plain "
				"files (a guest may have made it)", path);
		else
			ib_errf(err, errlen, "%s: cannot open: %s", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ib_errf(err, errlen, "%s: not a plain file; result files must be plain files "
			"(a guest may have made it)", path);
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if ((unsigned long long)st.st_size > IB_JSON_MAX_FILE) {
		ib_errf(err, errlen, "%s: larger than %lu MiB, not a result file", path,
			IB_JSON_MAX_FILE >> 20);
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	if (fcntl(fd, F_SETFL, 0) < 0 || !(f = fdopen(fd, "rb"))) {
		saved = errno;
		ib_errf(err, errlen, "%s: cannot open: %s", path, strerror(saved));
		close(fd);
		errno = saved;
		return NULL;
	}
	return f;
}

static char *read_whole(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = ib_open_result(path, err, errlen);
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int saved;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (n == cap) {
			char *nb;

			if (cap >= IB_JSON_MAX_FILE) {
				ib_errf(err, errlen, "%s: larger than %lu MiB, not a result file",
					path, IB_JSON_MAX_FILE >> 20);
				saved = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				saved = ENOMEM;
				ib_errf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				saved = EIO;
				ib_errf(err, errlen, "%s: read error", path);
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	if (!buf) {
		buf = malloc(1);
		if (!buf) {
			ib_errf(err, errlen, "%s: out of memory", path);
			errno = ENOMEM;
			return NULL;
		}
	}
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	errno = saved;
	return NULL;
}

struct json_object *ib_json_load_file(const char *path, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t len, used;
	char *buf = read_whole(path, &len, err, errlen);

	if (!buf)
		return NULL;
	if (len == 0 || len > INT32_MAX) {
		ib_errf(err, errlen, "%s: empty file", path);
		free(buf);
		errno = EINVAL;
		return NULL;
	}
	if (memchr(buf, '\0', len)) {
		ib_errf(err, errlen, "%s: contains NUL bytes, not JSON text", path);
		free(buf);
		errno = EINVAL;
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	root = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	if (!root && jerr == json_tokener_continue) {
		ib_errf(err, errlen, "%s: unexpected end of data after %zu bytes (file cut short?)",
			path, len);
		goto bad;
	}
	if (!root && jerr == json_tokener_success) {
		/* A bare "null" parses to NULL with success. */
		ib_errf(err, errlen, "%s: the JSON value is null", path);
		goto bad;
	}
	if (!root) {
		ib_errf(err, errlen, "%s: invalid JSON at byte %zu: %s", path, used,
			json_tokener_error_desc(jerr));
		goto bad;
	}
	while (used < len && isspace((unsigned char)buf[used]))
		used++;
	if (used < len) {
		ib_errf(err, errlen, "%s: unexpected data after the JSON value at byte %zu",
			path, used);
		json_object_put(root);
		goto bad;
	}
	json_tokener_free(tok);
	free(buf);
	return root;
bad:
	json_tokener_free(tok);
	free(buf);
	errno = EINVAL;
	return NULL;
}

struct json_object *ib_json_get_member(struct json_object *obj, const char *key,
				       enum json_type type, const char *path, const char *where,
				       char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !v) {
		ib_errf(err, errlen, "%s: %s: member \"%s\" is missing", path, where, key);
		errno = EINVAL;
		return NULL;
	}
	if (!json_object_is_type(v, type)) {
		ib_errf(err, errlen, "%s: %s: member \"%s\" should be %s, is %s", path, where,
			key, json_type_to_name(type), json_type_to_name(json_object_get_type(v)));
		errno = EINVAL;
		return NULL;
	}
	return v;
}

int ib_json_get_u64(struct json_object *obj, const char *key, uint64_t min, uint64_t max,
		    uint64_t *out, const char *path, const char *where, char *err, size_t errlen)
{
	struct json_object *v = ib_json_get_member(obj, key, json_type_int, path, where,
						   err, errlen);
	int64_t s;
	uint64_t u;

	if (!v)
		return -1;
	s = json_object_get_int64(v);
	if (s < 0) {
		ib_errf(err, errlen, "%s: %s: \"%s\" is negative (%" PRId64 "), allowed %" PRIu64
			"..%" PRIu64, path, where, key, s, min, max);
		errno = EINVAL;
		return -1;
	}
	u = s == INT64_MAX ? json_object_get_uint64(v) : (uint64_t)s;
	if (u < min || u > max) {
		ib_errf(err, errlen, "%s: %s: \"%s\" is %" PRIu64 ", allowed %" PRIu64 "..%" PRIu64,
			path, where, key, u, min, max);
		errno = EINVAL;
		return -1;
	}
	*out = u;
	return 0;
}

int ib_json_get_num(struct json_object *obj, const char *key, double *out,
		    const char *path, const char *where, char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !v) {
		ib_errf(err, errlen, "%s: %s: member \"%s\" is missing", path, where, key);
		errno = EINVAL;
		return -1;
	}
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) {
		ib_errf(err, errlen, "%s: %s: member \"%s\" should be a number, is %s", path,
			where, key, json_type_to_name(json_object_get_type(v)));
		errno = EINVAL;
		return -1;
	}
	*out = json_object_get_double(v);
	return 0;
}

int ib_json_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s) {
		errno = EINVAL;
		return -1;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			errno = EINVAL;
			return -1;
		}
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}
