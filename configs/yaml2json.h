/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_YAML2JSON_H
#define ISOLBENCH_YAML2JSON_H

#include <json-c/json.h>
#include <stddef.h>

/**
 * ib_yaml_load() - read a one-document YAML file into a json-c tree.
 * @path: the file
 * @err: on failure "path:line: what is wrong"
 * @errlen: size of @err
 *
 * Return: the tree (caller puts it), or NULL with @err set.
 */
struct json_object *ib_yaml_load(const char *path, char *err, size_t errlen);

#endif
