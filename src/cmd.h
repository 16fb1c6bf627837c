/*
 * cmd.h - the command table.  One-shot mode (`goinspect -p PID CMD`), the
 * REPL, `help` and completion all read this one table.
 */
#ifndef GOINSPECT_CMD_H
#define GOINSPECT_CMD_H

#include <stdio.h>

struct goproc;

struct cmd_ctx {
	struct goproc *gp;
	FILE *out;
	int json;               /* --json */
	int all;                /* -a: system goroutines and runtime frames */
	int verbose;            /* -v */
	int partial;            /* set by a command that could not read all */
};

struct command {
	const char *name;
	const char *alias;      /* short form, or NULL */
	const char *args;       /* argument synopsis for help */
	const char *summary;    /* one line for help */
	int (*run)(struct cmd_ctx *c, int argc, char **argv);
};

/* The table, ended by an entry with a NULL name. */
extern const struct command commands[];

/* Find a command by name, alias, or unambiguous prefix; NULL if none
 * (*ambiguous set when the prefix matches several). */
const struct command *cmd_lookup(const char *word, int *ambiguous);

/* Run one command line already split into words; returns an EXIT_* code. */
int cmd_run(struct cmd_ctx *c, int argc, char **argv);

/* The individual commands (cmd_*.c). */
int cmd_goroutines(struct cmd_ctx *c, int argc, char **argv);
int cmd_bt(struct cmd_ctx *c, int argc, char **argv);
int cmd_goroutine(struct cmd_ctx *c, int argc, char **argv);
int cmd_info(struct cmd_ctx *c, int argc, char **argv);
int cmd_threads(struct cmd_ctx *c, int argc, char **argv);
int cmd_procs(struct cmd_ctx *c, int argc, char **argv);
int cmd_sched(struct cmd_ctx *c, int argc, char **argv);
int cmd_help(struct cmd_ctx *c, int argc, char **argv);

#endif
