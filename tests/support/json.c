/* Test support: a recursive-descent JSON reader. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const char *p;
    int depth;
} reader;

static int parse_value(reader *r, tj_value *out);

static void skip_space(reader *r)
{
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
        r->p++;
}

static int literal(reader *r, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(r->p, word, n) != 0)
        return -1;
    r->p += n;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

static int escaped_char(reader *r, char *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = *r->p ? strchr(from, *r->p) : NULL;
    if (hit) {
        *out = to[hit - from];
        r->p++;
        return 0;
    }
    if (*r->p != 'u')
        return -1;
    unsigned v = 0;
    for (int i = 1; i <= 4; i++) {
        int d = hex_digit(r->p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | (unsigned)d;
    }
    r->p += 5;
    *out = v < 0x80 ? (char)v : '?';
    return 0;
}

static int parse_string(reader *r, char **out)
{
    if (*r->p++ != '"')
        return -1;
    size_t cap = 16, len = 0;
    char *s = malloc(cap);
    while (s && *r->p != '"') {
        char c = *r->p++;
        if (c == '\0' || (unsigned char)c < 0x20 || (c == '\\' && escaped_char(r, &c) != 0)) {
            free(s);
            return -1;
        }
        if (len + 2 > cap) {
            char *bigger = realloc(s, cap *= 2);
            if (!bigger)
                free(s);
            s = bigger;
        }
        if (s)
            s[len++] = c;
    }
    if (!s)
        return -1;
    r->p++;
    s[len] = '\0';
    *out = s;
    return 0;
}

static int parse_number(reader *r, tj_value *out)
{
    char *end;
    out->type = TJ_NUMBER;
    out->number = strtod(r->p, &end);
    if (end == r->p)
        return -1;
    r->p = end;
    return 0;
}

/* Append a member to an array or object (key NULL for arrays). */
static tj_value *add_member(tj_value *v, char *key)
{
    tj_value *items = realloc(v->items, (v->n + 1) * sizeof *items);
    if (!items)
        return NULL;
    v->items = items;
    if (v->type == TJ_OBJECT) {
        char **keys = realloc(v->keys, (v->n + 1) * sizeof *keys);
        if (!keys)
            return NULL;
        v->keys = keys;
        keys[v->n] = key;
    }
    memset(&items[v->n], 0, sizeof items[0]);
    return &items[v->n++];
}

static int parse_members(reader *r, tj_value *out, tj_type type, char close)
{
    out->type = type;
    r->p++;
    skip_space(r);
    if (*r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        skip_space(r);
        if (type == TJ_OBJECT) {
            if (parse_string(r, &key) != 0)
                return -1;
            skip_space(r);
            if (*r->p++ != ':') {
                free(key);
                return -1;
            }
        }
        tj_value *item = add_member(out, key);
        if (!item) {
            free(key);
            return -1;
        }
        if (parse_value(r, item) != 0)
            return -1;
        skip_space(r);
        if (*r->p == close) {
            r->p++;
            return 0;
        }
        if (*r->p++ != ',')
            return -1;
    }
}

static int parse_value(reader *r, tj_value *out)
{
    skip_space(r);
    if (++r->depth > 64)
        return -1;
    int rc;
    switch (*r->p) {
    case '{': rc = parse_members(r, out, TJ_OBJECT, '}'); break;
    case '[': rc = parse_members(r, out, TJ_ARRAY, ']'); break;
    case '"': out->type = TJ_STRING; rc = parse_string(r, &out->string); break;
    case 't': out->type = TJ_BOOL; out->boolean = 1; rc = literal(r, "true"); break;
    case 'f': out->type = TJ_BOOL; rc = literal(r, "false"); break;
    case 'n': out->type = TJ_NULL; rc = literal(r, "null"); break;
    default: rc = parse_number(r, out); break;
    }
    r->depth--;
    return rc;
}

static void free_members(tj_value *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free_members(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
}

void tj_free(tj_value *v)
{
    if (v)
        free_members(v);
    free(v);
}

tj_value *tj_parse(const char *text)
{
    reader r = { text, 0 };
    tj_value *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    int rc = parse_value(&r, v);
    skip_space(&r);
    if (rc != 0 || *r.p != '\0') {
        tj_free(v);
        return NULL;
    }
    return v;
}

const tj_value *tj_get(const tj_value *obj, const char *key)
{
    if (!obj || obj->type != TJ_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->items[i];
    return NULL;
}

const tj_value *tj_at(const tj_value *arr, size_t i)
{
    return arr && arr->type == TJ_ARRAY && i < arr->n ? &arr->items[i] : NULL;
}

const char *tj_str(const tj_value *obj, const char *key)
{
    const tj_value *v = tj_get(obj, key);
    return v && v->type == TJ_STRING ? v->string : NULL;
}
