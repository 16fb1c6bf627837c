/*
 * procscan.h - find Go processes from /proc without attaching to them.
 *
 * A process is a Go program when its executable (opened through
 * /proc/PID/exe, so it works for a process in another mount namespace and
 * for a deleted binary) has a .go.buildinfo or a .gopclntab section.
 * Nothing here stops, traces or reads the memory of a process: only
 * /proc/PID/{exe,comm,status,task} and the executable file are read.
 */
#ifndef GOINSPECT_PROCSCAN_H
#define GOINSPECT_PROCSCAN_H

#include <stddef.h>
#include <sys/types.h>

struct procinfo {
	pid_t pid;
	char comm[64];          /* /proc/PID/comm (15 characters at most) */
	char exe[4096];         /* /proc/PID/exe, as the target sees it */
	char version[64];       /* "go1.26.8", or "" when not recorded */
	char module[256];       /* main module path, or "" */
	char module_version[64];
	long threads;           /* kernel threads, -1 if unknown */
	long long rss_bytes;    /* resident set, -1 if unknown */
	int stripped;           /* no ELF symbol table */
};

/*
 * Look at one process.  Returns 1 if it is a Go program (pi filled), 0 if
 * it is not, -1 if it cannot be examined (gone, kernel thread, or not ours:
 * the reason is left with diag_set()).
 */
int procscan_probe(pid_t pid, struct procinfo *pi);

/*
 * Every Go process this user may examine, sorted by pid, except the
 * caller itself.  *out is malloc'd (free() it); returns the count.
 */
size_t procscan_all(struct procinfo **out);

/*
 * The Go processes whose command name (/proc/PID/comm) or executable file
 * name is name.  *out is malloc'd; returns the count.
 */
size_t procscan_by_name(const char *name, struct procinfo **out);

#endif
