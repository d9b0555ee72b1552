/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_JSONOUT_H
#define ISOLBENCH_JSONOUT_H

#include <stdio.h>

#include <json-c/json.h>

/**
 * ib_file_finish() - close a file that was written, checking every step.
 * @f: the stream (closed in every case)
 *
 * An earlier write error (ferror), the last flush, fsync and fclose all
 * count: a full disk is never a silently short file.
 *
 * Return: 0, or -1 with errno.
 */
int ib_file_finish(FILE *f);

/**
 * ib_file_commit() - finish a temporary file and rename it over its target.
 * @f:    the stream, written to @tmp (closed in every case)
 * @tmp:  the temporary file, in the folder of @path
 * @path: the target
 *
 * Readers of @path see the old file or the whole new one, never half; on
 * failure @tmp is removed and @path is untouched.
 *
 * Return: 0, or -1 with errno.
 */
int ib_file_commit(FILE *f, const char *tmp, const char *path);

/**
 * ib_json_write() - write a JSON document to a file, atomically.
 * @obj:  the document
 * @path: the file, or "-" for standard output
 *
 * The text is pretty-printed with doubles as %.10g, written to a temporary
 * file next to @path and renamed over it, so a reader never sees half a file.
 *
 * Return: 0 on success, -1 with errno on failure.
 */
int ib_json_write(struct json_object *obj, const char *path);

/** ib_json_double() - a JSON number for @v (NaN and infinities become 0). */
struct json_object *ib_json_double(double v);

#endif
