/*
 * main.c - the command line: options, then one command, or without one
 * the interactive session (repl.c).  The option table below also drives
 * --help.
 */
#include "config.h"
#include "cmd.h"
#include "diag.h"
#include "goproc.h"
#include "procscan.h"
#include "repl.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SANITIZE_ADDRESS__
/*
 * ./configure --enable-sanitizers: a sanitizer report must never pass for
 * a documented exit status (ASan's default, 1, means "partial"), and
 * UBSan must stop at the first error instead of printing and going on.
 * ASAN_OPTIONS and UBSAN_OPTIONS can still change any of these.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "exitcode=86";
}

const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:exitcode=86:print_stacktrace=1";
}
#endif

struct options {
	pid_t pid;
	const char *name;       /* -p NAME: a command name to resolve */
	int json, all, verbose;
	const char *force_version;
	const char *exe;        /* --exe: the executable, if not /proc/PID/exe */
};

static const struct option long_opts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "json", no_argument, NULL, 'j' },
	{ "all", no_argument, NULL, 'a' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "force-version", required_argument, NULL, 'F' },
	{ "exe", required_argument, NULL, 'E' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	printf("Usage: goinspect [OPTIONS] -p PID [COMMAND [ARGS...]]\n"
	       "       goinspect [--json] ps\n"
	       "Show what the Go runtime of a running process knows, without\n"
	       "changing or restarting it.\n\n"
	       "Options:\n"
	       "  -p, --pid PID|NAME       the Go process to inspect (a name"
	       " must be unique)\n"
	       "  -j, --json               machine-readable output\n"
	       "  -a, --all                system goroutines and runtime frames"
	       " too\n"
	       "  -v, --verbose            report the pause and bytes read on"
	       " stderr\n"
	       "      --force-version V    treat the target as built by Go V\n"
	       "      --exe FILE           read the program from FILE, not"
	       " /proc/PID/exe\n"
	       "  -h, --help               this help\n"
	       "      --version            goinspect's version\n\n"
	       "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		if (!(c->flags & CMD_REPL_ONLY))
			printf("  %-12s %-12s %s\n", c->name, c->args,
			       c->summary);
	printf("\nWithout a COMMAND, goinspect opens an interactive session"
	       " ('help' there).\n"
	       "See goinspect(1) for output formats and exit codes.\n");
}

static pid_t parse_pid(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 4194304)
		diag_usage("'%s' is not a process id", s);
	return (pid_t)v;
}

/* -p takes a pid, or a name for which the pid is looked up later. */
static pid_t pid_or_name(const char *s, const char **name)
{
	if (isdigit((unsigned char)*s))
		return parse_pid(s);
	if (!*s)
		diag_usage("-p needs a process id or a command name");
	*name = s;
	return 0;
}

/*
 * The one Go process called name (its command or executable name).  With
 * none, or several, say so (listing them) and exit: guessing which of two
 * services to stop would be worse than asking.
 */
static pid_t resolve_name(const char *name)
{
	struct procinfo *v;
	size_t n = procscan_by_name(name, &v);
	pid_t pid;

	if (n == 1) {
		pid = v[0].pid;
		free(v);
		return pid;
	}
	if (n == 0) {
		diag_error("no Go process named '%s' that this user may inspect"
			   " (see 'goinspect ps')", name);
		exit(EXIT_ATTACH);
	}
	diag_error("%zu Go processes are named '%s'; choose one with -p PID:",
		   n, name);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%-7d %-15s %-10s %s\n", (int)v[i].pid,
			v[i].comm, v[i].version[0] ? v[i].version : "?",
			v[i].exe);
	free(v);
	exit(EXIT_USAGE);
}

/* A command that needs no target (ps): run it without -p. */
static int run_untargeted(const struct options *o, int argc, char **argv)
{
	struct cmd_ctx c;
	int rc;

	cmd_ctx_init(&c, NULL);
	c.json = o->json;
	c.verbose = o->verbose;
	rc = cmd_run(&c, argc, argv);
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_PARTIAL;
	return rc;
}

static int needs_no_target(const char *word)
{
	int ambiguous;
	const struct command *cmd = cmd_lookup(word, &ambiguous);

	return cmd && cmd->run == cmd_ps;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	/* getopt names the program by argv[0] in its messages: make them
	 * "goinspect: ..." like every other, whatever path ran us. */
	argv[0] = (char *)"goinspect";
	/* '+': stop at the command, so its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+p:javh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->pid = pid_or_name(optarg, &o->name); break;
		case 'j': o->json = 1; break;
		case 'a': o->all = 1; break;
		case 'v': o->verbose++; break;
		case 'F': o->force_version = optarg; break;
		case 'E': o->exe = optarg; break;
		case 'h': usage(); exit(EXIT_OK);
		case 'V': printf("goinspect %s\n", PACKAGE_VERSION);
			  exit(EXIT_OK);
		default: /* getopt has said what was wrong */
			fprintf(stderr, "Try 'goinspect --help' for more"
				" information.\n");
			exit(EXIT_USAGE);
		}
	}
}

int main(int argc, char **argv)
{
	struct options o;
	struct goproc gp;
	struct cmd_ctx c;
	int rc;

	/* A closed pipe on stdout (goinspect ... | head) must not kill us
	 * in the middle of a snapshot: the target is released first anyway,
	 * but exit cleanly. */
	signal(SIGPIPE, SIG_IGN);
	parse_options(argc, argv, &o);
	diag_set_verbose(o.verbose);
	if (optind < argc && needs_no_target(argv[optind]))
		return run_untargeted(&o, argc - optind, argv + optind);
	if (!o.pid && o.name)
		o.pid = resolve_name(o.name);
	if (!o.pid)
		diag_usage("which process? (-p PID)");
	rc = goproc_open_exe(&gp, o.pid, o.force_version, o.exe);
	if (rc) {
		diag_error("%s", diag_reason());
		goproc_close(&gp);
		return rc;
	}
	cmd_ctx_init(&c, &gp);
	c.json = o.json;
	c.all = o.all;
	c.verbose = o.verbose;
	if (optind >= argc)     /* no command: the interactive session */
		rc = repl_run(&c);
	else
		rc = cmd_run(&c, argc - optind, argv + optind);
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_PARTIAL;
	goproc_close(&gp);
	return rc;
}
