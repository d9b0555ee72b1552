// SPDX-License-Identifier: GPL-2.0
#include "jsonout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ib_file_finish(FILE *f)
{
	int err = 0;

	if (ferror(f))
		err = EIO;
	if (fflush(f) && !err)
		err = errno;
	if (fsync(fileno(f)) && !err && errno != EINVAL && errno != EROFS)
		err = errno;	/* EINVAL: a pipe or /dev/null, nothing to sync */
	if (fclose(f) && !err)
		err = errno;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int ib_file_commit(FILE *f, const char *tmp, const char *path)
{
	int err;

	if (ib_file_finish(f) || rename(tmp, path)) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	return 0;
}

static int double_to_string(struct json_object *obj, struct printbuf *pb, int level, int flags)
{
	char buf[64];
	double v = json_object_get_double(obj);

	(void)level;
	(void)flags;
	snprintf(buf, sizeof(buf), "%.10g", v);
	/* Keep it a JSON number that reads back as a double. */
	if (!strpbrk(buf, ".eE"))
		strcat(buf, ".0");
	return printbuf_memappend(pb, buf, strlen(buf));
}

struct json_object *ib_json_double(double v)
{
	struct json_object *o;

	if (!isfinite(v))
		v = 0;
	o = json_object_new_double(v);
	if (o)
		json_object_set_serializer(o, double_to_string, NULL, NULL);
	return o;
}

int ib_json_write(struct json_object *obj, const char *path)
{
	const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE |
							       JSON_C_TO_STRING_SPACED);
	size_t len;
	char *tmp;
	FILE *f;
	int err;

	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	len = strlen(text);
	if (!strcmp(path, "-")) {
		if (fwrite(text, 1, len, stdout) != len || fputc('\n', stdout) == EOF ||
		    fflush(stdout))
			return -1;
		return 0;
	}
	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		goto err_free;
	if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF) {
		err = errno;
		fclose(f);
		errno = err;
		goto err_unlink;
	}
	if (ib_file_commit(f, tmp, path))
		goto err_free;
	free(tmp);
	return 0;

err_unlink:
	err = errno;
	unlink(tmp);
	errno = err;
err_free:
	err = errno;
	free(tmp);
	errno = err;
	return -1;
}
