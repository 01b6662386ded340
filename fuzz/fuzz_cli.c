/* libFuzzer target for the pvpatch command in-process (src/cli): its option
 * and number readers (cli_parse_args, cli_parse_u64, --mode and --policy
 * names) and every subcommand on a fuzzed file. The input is
 *     COMMAND \0 WORD \0 WORD ... \0 \0 FILE BYTES
 * where a word "@" is the path of the file. The value of an output option
 * is always OUT, a path in a private directory, so that nothing else is
 * written. The command's contract, from docs/cli.md: exit status 0, 1
 * or 2 (disasm never 1); a failure (2) prints exactly one line on standard
 * error, nothing on standard output, and writes no output file; a success
 * prints nothing on standard error (a word with a line break in it
 * included: seed usage-line-break). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "support/input.h"

#define MAX_WORDS 16
#define MAX_WORD  80

static const cli_command *const commands[] = {
    &cli_cmd_disasm, &cli_cmd_install, &cli_cmd_verify, &cli_cmd_sites, &cli_cmd_patch, &cli_cmd_check,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* The command named by the first word, or one chosen by its first byte. */
static const cli_command *pick_command(const char *word)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, word) == 0)
            return commands[i];
    return commands[(unsigned char)word[0] % NCOMMANDS];
}

typedef struct words {
    char text[MAX_WORDS][MAX_WORD + 1];
    char *argv[MAX_WORDS + 1];
    int argc;
} words;

/* Split the words off the input; the rest is the file. */
static size_t split(const uint8_t *data, size_t size, words *w, const char *file)
{
    size_t at = 0;
    w->argc = 0;
    while (at < size && data[at] != 0 && w->argc < MAX_WORDS) {
        char *t = w->text[w->argc];
        size_t n = 0;
        for (; at < size && data[at] != 0; at++)
            if (n < MAX_WORD - 10)
                t[n++] = (char)data[at];
        t[n] = '\0';
        at += at < size;
        int output_value = w->argc > 0 && (strcmp(w->argv[w->argc - 1], "-o") == 0 ||
                                           strcmp(w->argv[w->argc - 1], "--output") == 0);
        if (output_value || strncmp(t, "--output=", 9) == 0)
            snprintf(t + (output_value ? 0 : 9), MAX_WORD + 1 - 9, "%s", fuzz_out_path());
        w->argv[w->argc] = strcmp(t, "@") == 0 ? (char *)file : t;
        w->argc++;
    }
    w->argv[w->argc] = NULL;
    return at + (at < size && data[at] == 0);
}

static int count_lines(const char *s, size_t n)
{
    int lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || data[0] == 0)
        return 0;
    /* The file's path is known before its bytes: the words come first. */
    words w;
    const char *file = fuzz_file(0, NULL, 0);
    size_t rest = split(data, size, &w, file);
    fuzz_file(0, data + rest, size - rest);
    const cli_command *cmd = pick_command(w.argv[0]);

    char *out_text = NULL, *err_text = NULL;
    size_t out_len = 0, err_len = 0;
    FILE *saved_out = stdout, *saved_err = stderr;
    stdout = open_memstream(&out_text, &out_len);
    stderr = open_memstream(&err_text, &err_len);
    FUZZ_CHECK(stdout && stderr);
    int rc = cmd->run(cmd, w.argc, w.argv);
    fclose(stdout);
    fclose(stderr);
    stdout = saved_out;
    stderr = saved_err;

    int wrote = access(fuzz_out_path(), F_OK) == 0;
    FUZZ_CHECK(rc == CLI_OK || rc == CLI_FINDINGS || rc == CLI_BAD_INPUT);
    FUZZ_CHECK(!(cmd == &cli_cmd_disasm && rc == CLI_FINDINGS));
    if (rc == CLI_BAD_INPUT) {
        FUZZ_CHECK(out_len == 0 && !wrote);
        FUZZ_CHECK(err_len > 0 && err_text[err_len - 1] == '\n');
        FUZZ_CHECK(count_lines(err_text, err_len) == 1);
    } else {
        FUZZ_CHECK(err_len == 0);
    }
    unlink(fuzz_out_path());
    free(out_text);
    free(err_text);
    return 0;
}
