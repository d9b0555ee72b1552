/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ISOLBENCH_REFERENCE_H
#define ISOLBENCH_REFERENCE_H

#include <stdio.h>

/**
 * ib_reference_docs() - write docs/config.md (Markdown) from the registry.
 * @out: where to write
 *
 * Return: 0, or -1 on a write error.
 */
int ib_reference_docs(FILE *out);

/**
 * ib_reference_schema() - write the campaign file's JSON Schema from the registry.
 * @out: where to write
 *
 * Return: 0, or -1 on a write error.
 */
int ib_reference_schema(FILE *out);

#endif
