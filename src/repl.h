/*
 * repl.h - the interactive session: `goinspect -p PID` without a command.
 *
 * With a terminal on stdin it is a GNU readline session (prompt, history,
 * completion, pager); otherwise it reads one command per line from stdin
 * and writes plain results, so that scripts can drive it.  Every command
 * comes from the command table (cmd.h).  Between commands the target
 * runs, unless the user said `hold`.
 */
#ifndef GOINSPECT_REPL_H
#define GOINSPECT_REPL_H

#include "cmd.h"

#include <stddef.h>

/*
 * Run the session on base->gp, which is open.  base carries the options
 * (json, all, verbose); each command gets a copy of it, and `set` changes
 * the session's copy.  Returns 0 when interactive; otherwise 0 if every
 * command succeeded, else the exit code of the last one that failed.
 * Whatever happens, the target is not left stopped.
 */
int repl_run(const struct cmd_ctx *base);

/* A list of completion candidates; the session owns and frees it. */
struct repl_names {
	char **v;
	size_t n, cap;
};

/* Add a copy of name to l. */
void repl_names_add(struct repl_names *l, const char *name);

/*
 * Where expression completion (`print main.cf<TAB>`) gets its names.
 * Each hook adds to out the names that start with prefix, and may add
 * more (the session filters).  A NULL hook offers nothing.
 *   globals  global variables by full name ("main.cfg");
 *   fields   field names (bare: "Port") of the struct that the expression
 *            base ("main.cfg", "main.cfg.Inner") holds, through pointers;
 *   types    type names ("main.Config"), offered inside casts.
 * The session's table of hooks is in repl.c: globals come from the ELF
 * symbol table (cheap, no DWARF load), fields and types from gotype.h.
 */
struct repl_completers {
	void (*globals)(struct goproc *gp, const char *prefix,
			struct repl_names *out);
	void (*fields)(struct goproc *gp, const char *base,
		       const char *prefix, struct repl_names *out);
	void (*types)(struct goproc *gp, const char *prefix,
		      struct repl_names *out);
};

#endif
