/*
 * main.c - the command line: options, then one command (or, later, the
 * REPL).  The option table below also drives --help.
 */
#include "config.h"
#include "cmd.h"
#include "diag.h"
#include "goproc.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct options {
	pid_t pid;
	int json, all, verbose;
	const char *force_version;
};

static const struct option long_opts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "json", no_argument, NULL, 'j' },
	{ "all", no_argument, NULL, 'a' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "force-version", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	printf("Usage: goinspect [OPTIONS] -p PID [COMMAND [ARGS...]]\n"
	       "Show what the Go runtime of a running process knows, without\n"
	       "changing or restarting it.\n\n"
	       "Options:\n"
	       "  -p, --pid PID            the Go process to inspect\n"
	       "      --json               machine-readable output\n"
	       "  -a, --all                system goroutines and runtime frames"
	       " too\n"
	       "  -v, --verbose            report the pause and bytes read on"
	       " stderr\n"
	       "      --force-version V    treat the target as built by Go V\n"
	       "  -h, --help               this help\n"
	       "      --version            goinspect's version\n\n"
	       "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		printf("  %-12s %-12s %s\n", c->name, c->args, c->summary);
	printf("\nSee goinspect(1) for output formats and exit codes.\n");
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

static void parse_options(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	/* '+': stop at the command, so its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+p:avh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->pid = parse_pid(optarg); break;
		case 'j': o->json = 1; break;
		case 'a': o->all = 1; break;
		case 'v': o->verbose++; break;
		case 'F': o->force_version = optarg; break;
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
	if (!o.pid)
		diag_usage("which process? (-p PID)");
	if (optind >= argc)
		diag_usage("the interactive mode is not built yet: give a"
			   " command (goinspect -p PID goroutines)");
	rc = goproc_open(&gp, o.pid, o.force_version);
	if (rc) {
		diag_error("%s", diag_reason());
		goproc_close(&gp);
		return rc;
	}
	memset(&c, 0, sizeof(c));
	c.gp = &gp;
	c.out = stdout;
	c.json = o.json;
	c.all = o.all;
	c.verbose = o.verbose;
	rc = cmd_run(&c, argc - optind, argv + optind);
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_PARTIAL;
	goproc_close(&gp);
	return rc;
}
