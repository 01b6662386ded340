/* pvpatch: dispatch to a subcommand. A new subcommand is one row below and
 * one file defining its cli_command. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const cli_command *const commands[] = {
    &cli_cmd_disasm,
    &cli_cmd_install,
    &cli_cmd_verify,
    &cli_cmd_sites,
    &cli_cmd_patch,
    &cli_cmd_check,
    &cli_cmd_moves,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_usage(FILE *out)
{
    fputs("usage: pvpatch COMMAND [ARGS...]\n"
          "       pvpatch help COMMAND | --help | --version\n\n"
          "Commands:\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\nExit status: 0 ok, 1 findings (the input is not ok), 2 bad input or usage.\n", out);
}

static int run_help(int argc, char **argv)
{
    if (argc < 3) {
        print_usage(stdout);
        return CLI_OK;
    }
    const cli_command *cmd = find_command(argv[2]);
    if (!cmd) {
        fprintf(stderr, "pvpatch: no command '%s' (see 'pvpatch --help')\n", argv[2]);
        return CLI_BAD_INPUT;
    }
    fputs(cmd->usage, stdout);
    return CLI_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_BAD_INPUT;
    }
    const char *word = argv[1];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0 || strcmp(word, "help") == 0)
        return run_help(argc, argv);
    if (strcmp(word, "--version") == 0) {
        printf("pvpatch %s\n", PVPATCH_VERSION);
        return CLI_OK;
    }
    const cli_command *cmd = find_command(word);
    if (!cmd) {
        fprintf(stderr, "pvpatch: no command '%s' (see 'pvpatch --help')\n", word);
        return CLI_BAD_INPUT;
    }
    return cmd->run(cmd, argc - 1, argv + 1);
}
