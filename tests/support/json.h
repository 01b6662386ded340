/* Test support: a small JSON reader, enough to check pvpatch's --json output.
 * Parses a whole document into a tree; no streaming, no UTF-8 decoding
 * beyond \u00XX (pvpatch writes ASCII). */
#ifndef PVP_TEST_JSON_H
#define PVP_TEST_JSON_H

#include <stddef.h>

typedef enum tj_type { TJ_NULL, TJ_BOOL, TJ_NUMBER, TJ_STRING, TJ_ARRAY, TJ_OBJECT } tj_type;

typedef struct tj_value {
    tj_type type;
    int boolean;
    double number;
    char *string;               /* TJ_STRING */
    size_t n;                   /* TJ_ARRAY / TJ_OBJECT: members */
    struct tj_value *items;     /* the members */
    char **keys;                /* TJ_OBJECT: key of each member */
} tj_value;

/* Parse a document; NULL if it is not valid JSON (trailing spaces allowed). */
tj_value *tj_parse(const char *text);
void tj_free(tj_value *v);
/* The member of an object with this key, or NULL. */
const tj_value *tj_get(const tj_value *obj, const char *key);
/* Item i of an array, or NULL. */
const tj_value *tj_at(const tj_value *arr, size_t i);
/* The string of a member, or NULL if absent or not a string. */
const char *tj_str(const tj_value *obj, const char *key);

#endif
