/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_JSONFILE_H
#define ISOLBENCH_JSONFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

/*
 * Reading JSON files with messages a person can act on: where the text is
 * broken or cut short, and which member is missing or of the wrong type.
 * Every message starts with the file's path.
 */

/* Files larger than this are refused as not ours (64 MiB). */
#define IB_JSON_MAX_FILE (64UL << 20)

/**
 * ib_open_result() - open a file of a run folder for reading.
 * @path:   the file
 * @err:    on failure "<path>: <what>"; may be NULL
 * @errlen: size of @err
 *
 * A guest wrote part of every run folder and is not trusted: the file is
 * opened without following a symbolic link, without waiting on a FIFO, and
 * must be a plain file of at most IB_JSON_MAX_FILE bytes.
 *
 * Return: the stream, or NULL with errno = ELOOP (a link), EINVAL (not a
 * plain file), EFBIG (too large) or the open error.
 */
FILE *ib_open_result(const char *path, char *err, size_t errlen);

/**
 * ib_json_load_file() - read and parse a whole JSON file.
 * @path:   the file
 * @err:    on failure "<path>: <what>", e.g. "unexpected end of data at byte
 *          812 (file cut short?)"; may be NULL
 * @errlen: size of @err
 *
 * Return: the root object (json_object_put() it), or NULL with errno =
 * the open/read error, EFBIG (too large) or EINVAL (not valid JSON, or
 * something after the first value).
 */
struct json_object *ib_json_load_file(const char *path, char *err, size_t errlen);

/**
 * ib_json_get_u64() - an integer member within [@min, @max].
 * @obj:    the object
 * @key:    member name
 * @min:    smallest allowed value
 * @max:    largest allowed value
 * @out:    the value
 * @path:   file name for the message
 * @where:  where @obj is, e.g. "thread \"0\"", for the message
 * @err:    message on failure, may be NULL
 * @errlen: size of @err
 *
 * Return: 0, or -1 with errno = EINVAL (missing, not an integer, out of range).
 */
int ib_json_get_u64(struct json_object *obj, const char *key, uint64_t min, uint64_t max,
		    uint64_t *out, const char *path, const char *where, char *err, size_t errlen);

/** ib_json_get_num() - a number member (integer or not); as ib_json_get_u64(). */
int ib_json_get_num(struct json_object *obj, const char *key, double *out,
		    const char *path, const char *where, char *err, size_t errlen);

/**
 * ib_json_get_member() - a member of a given type.
 * @obj:    the object
 * @key:    member name
 * @type:   json_type_object, json_type_array, json_type_string, ...
 * @path:   file name for the message
 * @where:  where @obj is, for the message
 * @err:    message on failure, may be NULL
 * @errlen: size of @err
 *
 * Return: the member (borrowed), or NULL with errno = EINVAL.
 */
struct json_object *ib_json_get_member(struct json_object *obj, const char *key,
				       enum json_type type, const char *path, const char *where,
				       char *err, size_t errlen);

/**
 * ib_json_parse_u64() - a whole string as a decimal integer (no sign, no blanks).
 * @s:   the text
 * @out: the value
 *
 * Return: 0, or -1 with errno = EINVAL or ERANGE.
 */
int ib_json_parse_u64(const char *s, uint64_t *out);

/** ib_errf() - printf into @err (when not NULL); a helper for every lib reader. */
void ib_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
