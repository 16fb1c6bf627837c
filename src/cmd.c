/*
 * cmd.c - the command table and dispatch.
 */
#include "cmd.h"
#include "diag.h"

#include <string.h>

const struct command commands[] = {
	{ "goroutines", NULL, "[-a]",
	  "every goroutine, as runtime.Stack(all) prints them",
	  cmd_goroutines },
	{ "bt", NULL, "ID...", "the backtraces of these goroutines", cmd_bt },
	{ "goroutine", NULL, "ID",
	  "one goroutine in detail: state, stack bounds, creator",
	  cmd_goroutine },
	{ "threads", NULL, "[-n]",
	  "every thread (M): state, goroutine, P; -n native stacks",
	  cmd_threads },
	{ "procs", NULL, "", "every processor (P): status, run queue, timers",
	  cmd_procs },
	{ "sched", NULL, "", "scheduler summary: GOMAXPROCS, goroutines, Ms, Ps",
	  cmd_sched },
	{ "info", NULL, "", "what the target is: Go version, build, binary",
	  cmd_info },
	{ "help", NULL, "[COMMAND]", "list the commands, or explain one",
	  cmd_help },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct command *cmd_lookup(const char *word, int *ambiguous)
{
	const struct command *found = NULL;
	size_t len = strlen(word);
	int matches = 0;

	*ambiguous = 0;
	for (const struct command *c = commands; c->name; c++) {
		if (!strcmp(c->name, word) || (c->alias && !strcmp(c->alias, word)))
			return c;
		if (len && !strncmp(c->name, word, len)) {
			found = c;
			matches++;
		}
	}
	if (matches > 1) {
		*ambiguous = 1;
		return NULL;
	}
	return found;
}

int cmd_run(struct cmd_ctx *c, int argc, char **argv)
{
	const struct command *cmd;
	int ambiguous;

	if (argc == 0)
		return EXIT_OK;
	cmd = cmd_lookup(argv[0], &ambiguous);
	if (!cmd) {
		diag_error("%s command '%s'; see 'help'",
			   ambiguous ? "ambiguous" : "unknown", argv[0]);
		return EXIT_USAGE;
	}
	return cmd->run(c, argc, argv);
}

int cmd_help(struct cmd_ctx *c, int argc, char **argv)
{
	int ambiguous;

	if (argc > 1) {
		const struct command *cmd = cmd_lookup(argv[1], &ambiguous);

		if (!cmd) {
			diag_error("no command '%s'", argv[1]);
			return EXIT_USAGE;
		}
		fprintf(c->out, "%s %s\n    %s\n", cmd->name, cmd->args,
			cmd->summary);
		return EXIT_OK;
	}
	for (const struct command *cmd = commands; cmd->name; cmd++)
		fprintf(c->out, "  %-12s %-12s %s\n", cmd->name, cmd->args,
			cmd->summary);
	return EXIT_OK;
}
