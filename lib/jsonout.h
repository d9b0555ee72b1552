/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_JSONOUT_H
#define ISOLBENCH_JSONOUT_H

#include <json-c/json.h>

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
