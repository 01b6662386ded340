/* Helpers every pvpatch subcommand shares. */
#define _GNU_SOURCE
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf_image.h"

/* ---- Arguments ------------------------------------------------------------ */

/* The option named by arg ("--base" or "--base=..."); *inline_value points after '='. */
static const cli_option *find_option(const char *arg, const cli_option *opts, size_t nopts,
                                     const char **inline_value)
{
    *inline_value = NULL;
    for (size_t i = 0; i < nopts; i++) {
        size_t n = strlen(opts[i].name);
        if (strncmp(arg, opts[i].name, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
            *inline_value = arg[n] == '=' ? arg + n + 1 : NULL;
            return &opts[i];
        }
        if (opts[i].alias && strcmp(arg, opts[i].alias) == 0)
            return &opts[i];
    }
    return NULL;
}

static int is_option_word(const char *arg)
{
    return arg[0] == '-' && arg[1] != '\0';
}

int cli_parse_args(const cli_command *cmd, int argc, char **argv, const cli_option *opts,
                   size_t nopts, const char **pos, size_t npos)
{
    size_t seen = 0;
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            fputs(cmd->usage, stdout);
            return CLI_PARSE_HELP;
        }
        if (options_done || !is_option_word(arg)) {
            if (seen >= npos)
                return cli_usage_error(cmd, "unexpected argument '%s'", arg), CLI_PARSE_ERROR;
            pos[seen++] = arg;
            continue;
        }
        const char *value;
        const cli_option *o = find_option(arg, opts, nopts, &value);
        if (!o)
            return cli_usage_error(cmd, "unknown option '%s'", arg), CLI_PARSE_ERROR;
        if (!o->takes_value && value)
            return cli_usage_error(cmd, "%s takes no value", o->name), CLI_PARSE_ERROR;
        if (o->takes_value && !value) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "%s needs a value", o->name), CLI_PARSE_ERROR;
            value = argv[++i];
        }
        *o->value = o->takes_value ? value : "";
    }
    if (seen < npos)
        return cli_usage_error(cmd, "missing argument"), CLI_PARSE_ERROR;
    return CLI_PARSE_OK;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex && (!s[2] || s[2] == '-' || s[2] == '+' || s[2] == ' '))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, hex ? 16 : 10);   /* no octal surprises */
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* ---- Messages ----------------------------------------------------------- */

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
    char why[PVP_ERR_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    for (char *p = why; *p; p++)              /* one line, whatever a word of argv holds */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    fprintf(stderr, "pvpatch %s: %s (see 'pvpatch help %s')\n", cmd->name, why, cmd->name);
    return CLI_BAD_INPUT;
}

int cli_fail(const char *line)
{
    fprintf(stderr, "%s\n", line);
    return CLI_BAD_INPUT;
}

/* ---- Output ------------------------------------------------------------- */

int cli_output_begin(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    o->stream = open_memstream(&o->buf, &o->len);
    if (!o->stream)
        return cli_fail("pvpatch: out of memory");
    return 0;
}

/* Large writes: a listing is many short lines. */
#define STREAM_BUFFER (1u << 18)

int cli_output_begin_streamed(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    o->streamed = 1;
    o->stream = stdout;
    if (path) {
        char err[PVP_ERR_SIZE];
        pvp_atomic_file f;
        if (pvp_atomic_open(&f, path, err, sizeof err) != 0)
            return cli_fail(err);
        int copy = dup(f.fd);
        o->stream = copy >= 0 ? fdopen(copy, "w") : NULL;
        o->fd = f.fd;
        o->tmp = f.tmp;
        if (!o->stream) {
            if (copy >= 0)
                close(copy);
            pvp_atomic_abort(&f);
            return cli_fail("pvpatch: out of memory");
        }
    }
    setvbuf(o->stream, NULL, _IOFBF, STREAM_BUFFER);
    return 0;
}

/* Finish a streamed output: flush it, and for a file put it in place or remove it. */
static int end_streamed(cli_output *o, int ok)
{
    int flushed = fflush(o->stream) == 0 && !ferror(o->stream);
    int rc = 0;
    if (!o->path) {
        if (ok && !flushed)
            rc = cli_fail("pvpatch: cannot write to standard output");
        return rc;
    }
    pvp_atomic_file f = { o->fd, o->tmp, o->path };
    flushed = fclose(o->stream) == 0 && flushed;
    if (ok && flushed) {
        char err[PVP_ERR_SIZE];
        if (pvp_atomic_commit(&f, 0644, err, sizeof err) != 0)
            rc = cli_fail(err);
    } else {
        pvp_atomic_abort(&f);
        if (ok)
            rc = cli_fail("pvpatch: cannot write the output file");
    }
    return rc;
}

int cli_output_end(cli_output *o, int ok)
{
    int rc = 0;
    if (o->streamed)
        rc = end_streamed(o, ok);
    else if (fclose(o->stream) != 0 && ok)
        rc = cli_fail("pvpatch: out of memory");
    else if (ok && o->path) {
        char err[PVP_ERR_SIZE];
        if (pvp_write_atomic(o->path, o->buf, o->len, 0644, err, sizeof err) != 0)
            rc = cli_fail(err);
    } else if (ok && (fwrite(o->buf, 1, o->len, stdout) != o->len || fflush(stdout) != 0))
        rc = cli_fail("pvpatch: cannot write to standard output");
    free(o->buf);
    memset(o, 0, sizeof *o);
    return rc;
}

void cli_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(out, "\\u%04x", *p);   /* names are bytes; keep the output ASCII */
        else
            fputc(*p, out);
    }
    fputc('"', out);
}
