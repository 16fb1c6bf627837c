/*
 * cmd.c - the command table and dispatch.
 */
#include "cmd.h"
#include "diag.h"

#include <signal.h>
#include <string.h>

const struct command commands[] = {
	{ "goroutines", NULL, "[-a] [-g] [FILTER...] [--diff OLD.json]",
	  "every goroutine, as runtime.Stack(all) prints them",
	  cmd_goroutines, 0, COMPLETE_NONE },
	{ "bt", NULL, "ID...", "the backtraces of these goroutines", cmd_bt,
	  0, COMPLETE_GOROUTINE },
	{ "goroutine", NULL, "ID",
	  "one goroutine in detail: state, stack bounds, creator",
	  cmd_goroutine, 0, COMPLETE_GOROUTINE },
	{ "threads", NULL, "[-n]",
	  "every thread (M): state, goroutine, P; -n native stacks",
	  cmd_threads, 0, COMPLETE_NONE },
	{ "procs", NULL, "", "every processor (P): status, run queue, timers",
	  cmd_procs, 0, COMPLETE_NONE },
	{ "sched", NULL, "", "scheduler summary: GOMAXPROCS, goroutines, Ms, Ps",
	  cmd_sched, 0, COMPLETE_NONE },
	{ "info", NULL, "", "what the target is: Go version, build, binary",
	  cmd_info, 0, COMPLETE_NONE },
	{ "ps", NULL, "", "the Go processes here (needs no -p)",
	  cmd_ps, CMD_NO_TARGET, COMPLETE_NONE },
	{ "print", "p", "EXPR [--max-string N] [--max-elems N] [--depth N]",
	  "a Go value: a global, selectors, *(*T)(ADDR), (map[K]V)(ADDR)",
	  cmd_print, 0, COMPLETE_EXPR },
	{ "x", NULL, "ADDR LEN", "hex and ASCII dump of target memory",
	  cmd_x, 0, COMPLETE_NONE },
	{ "types", NULL, "[REGEXP]", "type names that match REGEXP",
	  cmd_types, 0, COMPLETE_NONE },
	{ "vars", NULL, "[REGEXP]", "globals that match REGEXP: address, type",
	  cmd_vars, 0, COMPLETE_NONE },
	{ "help", NULL, "[COMMAND]", "list the commands, or explain one",
	  cmd_help, CMD_NO_TARGET, COMPLETE_COMMAND },
	/* The interactive session's own commands (repl.c). */
	{ "set", NULL, "[NAME [VALUE]]",
	  "show or change max-string, max-elems, depth, output, all",
	  cmd_set, CMD_REPL_ONLY | CMD_NO_TARGET, COMPLETE_SETTING },
	{ "refresh", NULL, "",
	  "check the target; when held, stop it afresh for a new view",
	  cmd_refresh, CMD_REPL_ONLY, COMPLETE_NONE },
	{ "hold", NULL, "",
	  "keep the target stopped across commands (consistent view)",
	  cmd_hold, CMD_REPL_ONLY, COMPLETE_NONE },
	{ "release", NULL, "", "let a held target run again",
	  cmd_release, CMD_REPL_ONLY | CMD_NO_TARGET, COMPLETE_NONE },
	{ "quit", "q exit", "", "leave (a held target runs again)",
	  cmd_quit, CMD_REPL_ONLY | CMD_NO_TARGET, COMPLETE_NONE },
	{ NULL, NULL, NULL, NULL, NULL, 0, COMPLETE_NONE },
};

/* Is word one of the space-separated aliases? */
static int is_alias(const char *aliases, const char *word)
{
	size_t len = strlen(word);

	while (aliases && *aliases) {
		size_t n = strcspn(aliases, " ");

		if (n == len && !strncmp(aliases, word, n))
			return 1;
		aliases += n + strspn(aliases + n, " ");
	}
	return 0;
}

/* Does the prefix (len bytes of word) name c?  In one-shot mode the
 * session's own commands are left out, so that prefixes there mean what
 * they meant before the session existed (`s` is sched). */
static int prefix_names(const struct command *c, const char *word,
			size_t len, int one_shot)
{
	return len && !strncmp(c->name, word, len) &&
	       !(one_shot && (c->flags & CMD_REPL_ONLY));
}

/*
 * Several names start with the prefix.  When they are one name and its
 * extensions (goroutine, goroutines), the one listed first wins, so that
 * `gor` is `goroutines`; otherwise the prefix is ambiguous.
 */
static const struct command *pick_family(const char *word, size_t len,
					 int one_shot)
{
	const struct command *first = NULL, *shortest = NULL;

	for (const struct command *c = commands; c->name; c++) {
		if (!prefix_names(c, word, len, one_shot))
			continue;
		if (!first)
			first = c;
		if (!shortest || strlen(c->name) < strlen(shortest->name))
			shortest = c;
	}
	for (const struct command *c = commands; c->name; c++)
		if (prefix_names(c, word, len, one_shot) &&
		    strncmp(c->name, shortest->name, strlen(shortest->name)))
			return NULL;
	return first;
}

static const struct command *lookup(const char *word, int *ambiguous,
				    int one_shot)
{
	const struct command *found = NULL;
	size_t len = strlen(word);
	int matches = 0;

	*ambiguous = 0;
	for (const struct command *c = commands; c->name; c++) {
		if (!strcmp(c->name, word) || is_alias(c->alias, word))
			return c;
		if (prefix_names(c, word, len, one_shot)) {
			found = c;
			matches++;
		}
	}
	if (matches > 1) {
		found = pick_family(word, len, one_shot);
		*ambiguous = !found;
	}
	return found;
}

const struct command *cmd_lookup(const char *word, int *ambiguous)
{
	return lookup(word, ambiguous, 0);
}

void cmd_ctx_init(struct cmd_ctx *c, struct goproc *gp)
{
	memset(c, 0, sizeof(*c));
	c->gp = gp;
	c->out = stdout;
	c->max_string = c->max_elems = c->depth = CMD_LIMIT_DEFAULT;
}

static volatile sig_atomic_t stop_requested;

void cmd_request_stop(void)
{
	stop_requested = 1;
}

int cmd_stop_requested(void)
{
	return stop_requested != 0;
}

void cmd_clear_stop(void)
{
	stop_requested = 0;
}

int cmd_run(struct cmd_ctx *c, int argc, char **argv)
{
	const struct command *cmd;
	int ambiguous;

	if (argc == 0)
		return EXIT_OK;
	cmd = lookup(argv[0], &ambiguous, !c->repl);
	if (!cmd) {
		diag_error("%s command '%s'; see 'help'",
			   ambiguous ? "ambiguous" : "unknown", argv[0]);
		return EXIT_USAGE;
	}
	if ((cmd->flags & CMD_REPL_ONLY) && !c->repl) {
		diag_error("'%s' is a command of the interactive session"
			   " (goinspect -p PID without a command)", cmd->name);
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
		if (cmd->alias)
			fprintf(c->out, "    also: %s\n", cmd->alias);
		return EXIT_OK;
	}
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (c->repl || !(cmd->flags & CMD_REPL_ONLY))
			fprintf(c->out, "  %-12s %-12s %s\n", cmd->name,
				cmd->args, cmd->summary);
	if (c->repl)
		fprintf(c->out, "\nA unique prefix of a command is enough."
			"  CMD > FILE writes to FILE (>> appends).\n"
			"Ctrl-C stops the running command; Ctrl-D or quit"
			" leaves.\n");
	return EXIT_OK;
}
