/*
 * cmd.h - the command table.  One-shot mode (`goinspect -p PID CMD`), the
 * REPL, `help` and completion all read this one table.
 */
#ifndef GOINSPECT_CMD_H
#define GOINSPECT_CMD_H

#include <stdio.h>

struct goproc;
struct repl;

/* A limit for printing values left at the output format's default. */
#define CMD_LIMIT_DEFAULT (-1)

struct cmd_ctx {
	struct goproc *gp;
	FILE *out;
	int json;               /* --json */
	int all;                /* -a: system goroutines and runtime frames */
	int verbose;            /* -v */
	int partial;            /* set by a command that could not read all */
	/* Limits for printing values (`set` in the REPL): bytes of a
	 * string, elements of a slice or map (0: no limit for both), and
	 * pointer levels followed; each may be CMD_LIMIT_DEFAULT. */
	long max_string, max_elems, depth;
	struct repl *repl;      /* the interactive session, or NULL */
};

/* What a command's arguments complete to in the REPL. */
enum cmd_complete {
	COMPLETE_NONE,
	COMPLETE_COMMAND,       /* command names (help) */
	COMPLETE_GOROUTINE,     /* goroutine ids (bt, goroutine) */
	COMPLETE_EXPR,          /* globals, fields, types (print ...) */
	COMPLETE_SETTING,       /* names and values of `set` */
};

/* command.flags */
#define CMD_REPL_ONLY 1         /* a command of the interactive session */
#define CMD_NO_TARGET 2         /* works after the target has exited */

struct command {
	const char *name;
	const char *alias;      /* short forms separated by spaces, or NULL */
	const char *args;       /* argument synopsis for help */
	const char *summary;    /* one line for help */
	int (*run)(struct cmd_ctx *c, int argc, char **argv);
	unsigned flags;         /* CMD_* */
	enum cmd_complete complete;
};

/* The table, ended by an entry with a NULL name. */
extern const struct command commands[];

/* Find a command by name, alias, or unambiguous prefix; NULL if none
 * (*ambiguous set when the prefix matches several).  A prefix of a name
 * and of its longer form (goroutine, goroutines) is the one listed first.
 * cmd_run() in one-shot mode leaves the session's commands out of
 * prefix matching. */
const struct command *cmd_lookup(const char *word, int *ambiguous);

/* Run one command line already split into words; returns an EXIT_* code. */
int cmd_run(struct cmd_ctx *c, int argc, char **argv);

/* Zero c, then: gp, stdout, and every limit at its default. */
void cmd_ctx_init(struct cmd_ctx *c, struct goproc *gp);

/*
 * Ctrl-C in the REPL, or a pager that went away, asks the running command
 * to stop: loops over many goroutines or values test cmd_stop_requested()
 * and end early (the target is already released by then).
 * cmd_request_stop() is async-signal-safe.
 */
void cmd_request_stop(void);
int cmd_stop_requested(void);
void cmd_clear_stop(void);

/* The individual commands (cmd_*.c). */
int cmd_goroutines(struct cmd_ctx *c, int argc, char **argv);
int cmd_bt(struct cmd_ctx *c, int argc, char **argv);
int cmd_goroutine(struct cmd_ctx *c, int argc, char **argv);
int cmd_info(struct cmd_ctx *c, int argc, char **argv);
int cmd_threads(struct cmd_ctx *c, int argc, char **argv);
int cmd_procs(struct cmd_ctx *c, int argc, char **argv);
int cmd_sched(struct cmd_ctx *c, int argc, char **argv);
int cmd_help(struct cmd_ctx *c, int argc, char **argv);
int cmd_ps(struct cmd_ctx *c, int argc, char **argv);
int cmd_print(struct cmd_ctx *c, int argc, char **argv);
int cmd_x(struct cmd_ctx *c, int argc, char **argv);
int cmd_types(struct cmd_ctx *c, int argc, char **argv);
int cmd_vars(struct cmd_ctx *c, int argc, char **argv);

/* The commands of the interactive session (repl.c). */
int cmd_set(struct cmd_ctx *c, int argc, char **argv);
int cmd_refresh(struct cmd_ctx *c, int argc, char **argv);
int cmd_hold(struct cmd_ctx *c, int argc, char **argv);
int cmd_release(struct cmd_ctx *c, int argc, char **argv);
int cmd_quit(struct cmd_ctx *c, int argc, char **argv);

#endif
