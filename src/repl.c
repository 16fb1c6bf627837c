/*
 * repl.c - the interactive session.
 *
 * One loop reads a line (readline's callback interface on a terminal, so
 * that Ctrl-C at the prompt only clears the line; getline otherwise),
 * splits it into words and an optional `> FILE`, and hands the words to
 * cmd_run() with a copy of the session's context.  Output goes to the
 * file, to a pager once it is longer than the screen, or to stdout.
 *
 * Ctrl-C: the handler only sets a flag (cmd_request_stop).  A snapshot in
 * progress runs to its end and releases the target; the command's loops
 * and the output stream see the flag and stop early.  Nothing here stops
 * the target except `hold`, and every way out of the session releases it.
 */
#define _GNU_SOURCE
#include "repl.h"
#include "diag.h"
#include "goproc.h"
#include "gotype.h"
#include "traceback.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define PROMPT "(goinspect) "
#define PROMPT_HELD "(goinspect held) "
#define PAUSE_REPORT_US 50000           /* say so when a stop took longer */
#define HISTORY_LINES 1000
#define MAX_WORDS 256
#define DEFAULT_PAGER "less -FRX"

struct repl {
	struct cmd_ctx base;            /* what the next command gets */
	struct goproc *gp;
	int interactive;                /* stdin is a terminal: readline */
	int quit;
	int exited;                     /* the target is gone */
	unsigned long long start_time;  /* of the target, to spot pid reuse */
	struct timespec held_since;
	char *history;                  /* history file, or NULL */
	char *line;                     /* handed over by readline */
	int got_line;
	int interrupted;                /* a command was stopped by Ctrl-C */
	int last_rc;
};

/* readline's callbacks take no argument: the one session. */
static struct repl *session;
static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
	cmd_request_stop();
}

/* ---- the target's state, from /proc ---- */

/* State letter and start time (field 22) of pid; -1 if it is gone. */
static int proc_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');          /* the name may hold anything */
	if (!p || p[1] != ' ')
		return -1;
	*state = p[2];
	p += 3;
	for (int field = 4; field <= 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -1;
	*start = strtoull(p, NULL, 10);
	return 0;
}

/* Is the target still the process we opened?  Notes when it is not. */
static int target_alive(struct repl *r)
{
	unsigned long long start;
	char state;

	if (r->exited)
		return 0;
	if (proc_stat(r->gp->pid, &state, &start) == 0 && state != 'Z' &&
	    state != 'X' && start == r->start_time)
		return 1;
	r->exited = 1;
	target_unhold(&r->gp->tgt);     /* nothing left to hold */
	return 0;
}

static size_t count_threads(pid_t pid)
{
	char path[64];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(path, sizeof(path), f))
		if (!strncmp(path, "Threads:", 8))
			n = strtoul(path + 8, NULL, 10);
	fclose(f);
	return n;
}

/* ---- splitting a line ---- */

struct words {
	char *buf;
	char *argv[MAX_WORDS + 1];
	int argc;
	char *redirect;                 /* `> FILE`, or NULL */
	int append;                     /* `>> FILE` */
};

/* A word wholly in single quotes is taken without them, as in a shell
 * (`print 'main.m["k"]'`); the redirection target in either quotes. */
static void unquote(char *w, int double_too)
{
	size_t n = strlen(w);

	if (n >= 2 && w[n - 1] == w[0] &&
	    (w[0] == '\'' || (double_too && w[0] == '"')) &&
	    !memchr(w + 1, w[0], n - 2)) {
		memmove(w, w + 1, n - 2);
		w[n - 2] = 0;
	}
}

/* Copy one word from *sp to *op.  Spaces inside quotes or brackets do not
 * end it, so `(chan int)(0xc000010000)` stays one word; `>` outside them
 * does.  Returns -1 on an open quote. */
static int copy_word(const char **sp, char **op)
{
	const char *s = *sp;
	char *o = *op, q = 0;
	int depth = 0;

	while (*s && (q || depth > 0 || (!isspace((unsigned char)*s) &&
					  *s != '>'))) {
		char ch = *s++;

		if (q && ch == '\\' && q == '"' && *s) {
			*o++ = ch;
			ch = *s++;
		} else if (q && ch == q) {
			q = 0;
		} else if (!q && strchr("\"'`", ch)) {
			q = ch;
		} else if (!q && strchr("([{", ch)) {
			depth++;
		} else if (!q && strchr(")]}", ch) && depth > 0) {
			depth--;
		}
		*o++ = ch;
	}
	*o++ = 0;
	*sp = s;
	*op = o;
	if (q)
		diag_set("no closing %c", q);
	return q ? -1 : 0;
}

static int add_word(struct words *w, char *word, int *want_file)
{
	if (*want_file) {
		unquote(word, 1);
		w->redirect = word;
		*want_file = 0;
	} else if (w->redirect) {
		diag_set("nothing may follow > %s", w->redirect);
		return -1;
	} else if (w->argc >= MAX_WORDS) {
		diag_set("more than %d words", MAX_WORDS);
		return -1;
	} else {
		unquote(word, 0);
		w->argv[w->argc++] = word;
	}
	return 0;
}

/* Split line into w; -1 with diag_set() on a malformed line. */
static int split_line(const char *line, struct words *w)
{
	const char *s = line;
	char *o;
	int want_file = 0;

	memset(w, 0, sizeof(*w));
	w->buf = o = xmalloc(strlen(line) + 1);
	for (;;) {
		char *word = o;

		/* Every isspace() byte: copy_word() stops at each of them,
		 * and one it did not consume would be an empty word that
		 * takes a byte of buf and gives none back. */
		s += strspn(s, " \t\r\n\v\f");
		if (!*s)
			break;
		if (*s == '>') {
			if (want_file || w->redirect) {
				diag_set("one > FILE at most");
				return -1;
			}
			w->append = s[1] == '>';
			s += 1 + w->append;
			want_file = 1;
			continue;
		}
		if (copy_word(&s, &o) < 0 || add_word(w, word, &want_file) < 0)
			return -1;
	}
	if (want_file) {
		diag_set("> needs a file name");
		return -1;
	}
	w->argv[w->argc] = NULL;
	return 0;
}

/* ---- output: a file, a pager, or the terminal ---- */

/*
 * A command's output stream.  To a terminal, output is kept in memory
 * until it is longer than the screen; then the pager starts and gets it
 * all.  Shorter output is written when the command ends, so `info` never
 * flashes a pager.  To a file (`> FILE`) it goes straight on.  Once a stop
 * is requested, writes fail, which ends the output even of a loop that
 * does not check.
 */
struct cmdout {
	char *buf;
	size_t len, cap;
	int rows, cols, row, col;
	const char *pager;              /* NULL: none */
	FILE *pipe;                     /* the pager's stdin */
	int fd;                         /* where output goes, -1 undecided */
	int own_fd;                     /* a redirection's: close it */
	int err;                        /* errno of a failed write */
};

/* The last byte a command wrote to the terminal. */
static char out_last = '\n';

/* Count screen rows, so that long lines that wrap count as several. */
static void count_rows(struct cmdout *o, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || ++o->col >= o->cols) {
			o->row++;
			o->col = 0;
		}
	}
}

static int write_all(struct cmdout *o, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(o->fd, p, n);

		if (w < 0 && errno == EINTR && !cmd_stop_requested())
			continue;
		if (w <= 0) {
			/* The pager quit, the disk is full, or Ctrl-C: the
			 * rest of the output is not wanted either. */
			o->err = w < 0 ? errno : EIO;
			cmd_request_stop();
			return -1;
		}
		if (!o->own_fd)
			out_last = p[w - 1];
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Start the pager (or do without) and hand it what was kept. */
static int start_sink(struct cmdout *o)
{
	o->fd = STDOUT_FILENO;
	if (o->pager) {
		fflush(stdout);
		o->pipe = popen(o->pager, "w");
		if (o->pipe)
			o->fd = fileno(o->pipe);
	}
	return write_all(o, o->buf, o->len);
}

static ssize_t cmdout_write(void *cookie, const char *p, size_t n)
{
	struct cmdout *o = cookie;

	if (o->err || cmd_stop_requested()) {
		errno = o->err ? o->err : EINTR;
		return -1;
	}
	if (o->fd >= 0)
		return write_all(o, p, n) < 0 ? -1 : (ssize_t)n;
	xgrow((void **)&o->buf, &o->cap, o->len + n, 1);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	count_rows(o, p, n);
	if (o->row >= o->rows - 1 && start_sink(o) < 0)
		return -1;
	return (ssize_t)n;
}

static int cmdout_close(void *cookie)
{
	struct cmdout *o = cookie;
	int err;

	if (o->fd < 0 && !o->err && !cmd_stop_requested()) {
		o->fd = STDOUT_FILENO;
		write_all(o, o->buf, o->len);
	}
	if (o->pipe)
		pclose(o->pipe);        /* waits until the user quits it */
	if (o->own_fd && close(o->fd) != 0 && !o->err)
		o->err = errno;
	err = o->err;
	free(o->buf);
	free(o);
	errno = err;
	return err ? -1 : 0;
}

/* Is there an executable named name on $PATH? */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	char file[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		if (snprintf(file, sizeof(file), "%.*s/%s", (int)n, path,
			     name) < (int)sizeof(file) &&
		    access(file, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

/* $PAGER, or less -FRX if there is a less; NULL for none ("" or cat). */
static const char *pager_command(void)
{
	const char *p = getenv("PAGER");

	if (p)
		return *p && strcmp(p, "cat") ? p : NULL;
	return on_path("less") ? DEFAULT_PAGER : NULL;
}

static void screen_size(struct cmdout *o)
{
	struct winsize ws;

	o->rows = 24;
	o->cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 1 &&
	    ws.ws_col > 0) {
		o->rows = ws.ws_row;
		o->cols = ws.ws_col;
	}
}

/* A stream to fd, or (fd -1) to the terminal through the pager. */
static FILE *open_cmdout(int fd)
{
	static const cookie_io_functions_t io = {
		.write = cmdout_write, .close = cmdout_close,
	};
	static const char *pager;
	static int pager_known;
	struct cmdout *o = xcalloc(1, sizeof(*o));
	FILE *f;

	o->fd = fd;
	o->own_fd = fd >= 0;
	if (fd < 0) {
		if (!pager_known)
			pager = pager_command();
		pager_known = 1;
		o->pager = pager;
		screen_size(o);
	}
	f = fopencookie(o, "w", io);
	if (!f) {
		if (o->own_fd)
			close(fd);
		free(o);
	}
	return f;
}

/* Where this command's output goes; NULL (said why) if nowhere. */
static FILE *open_output(struct repl *r, const struct words *w)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	int fd;

	if (w->redirect) {
		flags |= w->append ? O_APPEND : O_TRUNC;
		fd = open(w->redirect, flags, 0666);
		if (fd < 0) {
			diag_error("cannot open '%s': %s", w->redirect,
				   strerror(errno));
			return NULL;
		}
		return open_cmdout(fd);
	}
	if (r->interactive && isatty(STDOUT_FILENO))
		return open_cmdout(-1);
	return stdout;
}

static void close_output(const struct words *w, FILE *f)
{
	if (f == stdout) {
		fflush(stdout);
		return;
	}
	/* A failed write to the terminal or pager means the user stopped
	 * reading; only a file's failure is news. */
	if (fclose(f) != 0 && w->redirect && !got_sigint)
		diag_error("writing '%s': %s", w->redirect, strerror(errno));
}

/* ---- running one line ---- */

static void report_pause(struct repl *r, const struct timespec *before)
{
	const struct target *t = &r->gp->tgt;

	if (t->held || (t->t_stop.tv_sec == before->tv_sec &&
			t->t_stop.tv_nsec == before->tv_nsec))
		return;
	if (t->pause_us > PAUSE_REPORT_US)
		fprintf(stderr, "goinspect: the target was stopped for %ld ms\n",
			t->pause_us / 1000);
}

static int refuse_exited(struct repl *r, const struct words *w)
{
	const struct command *cmd;
	int ambiguous;

	cmd = cmd_lookup(w->argv[0], &ambiguous);
	if (!cmd || (cmd->flags & CMD_NO_TARGET) || target_alive(r))
		return 0;
	diag_error("process %d has exited; only help, set and quit work now",
		   (int)r->gp->pid);
	return 1;
}

static int run_words(struct repl *r, struct words *w)
{
	struct timespec before = r->gp->tgt.t_stop;
	struct cmd_ctx c = r->base;
	int rc;

	c.out = open_output(r, w);
	if (!c.out)
		return EXIT_USAGE;
	got_sigint = 0;
	cmd_clear_stop();
	rc = cmd_run(&c, w->argc, w->argv);
	close_output(w, c.out);
	report_pause(r, &before);
	if (got_sigint) {
		r->interrupted = 1;
		fflush(stdout);
		fprintf(stderr, "%sgoinspect: interrupted\n",
			out_last == '\n' ? "" : "\n");
	}
	out_last = '\n';
	got_sigint = 0;
	cmd_clear_stop();
	return rc;
}

static int run_line(struct repl *r, const char *line)
{
	struct words w;
	int rc = EXIT_OK;

	if (split_line(line, &w) < 0) {
		diag_error("%s", diag_reason());
		rc = EXIT_USAGE;
	} else if (w.argc == 0 && w.redirect) {
		diag_error("> %s: which command?", w.redirect);
		rc = EXIT_USAGE;
	} else if (w.argc > 0) {
		rc = refuse_exited(r, &w) ? EXIT_ATTACH : run_words(r, &w);
	}
	free(w.buf);
	return rc;
}

/* ---- completion ---- */

/* The hooks expression completion uses; see repl.h. */
static void symtab_globals(struct goproc *gp, const char *prefix,
			   struct repl_names *out);

static void type_fields(struct goproc *gp, const char *base,
			const char *prefix, struct repl_names *out);
static void type_names(struct goproc *gp, const char *prefix,
		       struct repl_names *out);

static const struct repl_completers completers = {
	.globals = symtab_globals,
	.fields = type_fields,
	.types = type_names,
};

/* The session's type lookup (gotype.h), made on first need. */
static struct gotypes *session_types;

static struct gotypes *types_of(struct goproc *gp)
{
	if (!session_types)
		session_types = gotypes_new(gp);
	return session_types;
}

void repl_names_add(struct repl_names *l, const char *name)
{
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(name);
}

static void names_free(struct repl_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* First symbol whose name is >= prefix (the table is sorted). */
static size_t symbol_lower_bound(const struct elfimg *img, const char *prefix)
{
	size_t lo = 0, hi = img->nsymbols;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(img->symbols[mid].name, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int in_data(const struct elfimg *img, uint64_t addr)
{
	static const char *const names[] = {
		".data", ".bss", ".noptrdata", ".noptrbss",
	};
	const struct elf_section *s = elfimg_section_at(img, addr);

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s->name, names[i]))
			return 1;
	return 0;
}

/* Globals: data symbols with a package-qualified name. */
static void symtab_globals(struct goproc *gp, const char *prefix,
			   struct repl_names *out)
{
	const struct elfimg *img = &gp->img;
	size_t len = strlen(prefix);

	for (size_t i = symbol_lower_bound(img, prefix); i < img->nsymbols;
	     i++) {
		const struct elf_symbol *s = &img->symbols[i];

		if (strncmp(s->name, prefix, len))
			break;
		if (strchr(s->name, '.') && !strpbrk(s->name, ":$") &&
		    !strstr(s->name, "..") &&
		    in_data(img, s->addr))
			repl_names_add(out, s->name);
	}
}

/* Through pointers (a bounded number of them) to what they point to. */
static const struct gotype *deref(const struct gotype *t)
{
	for (int i = 0; t && t->kind == GK_POINTER && i < 8; i++)
		t = t->elem;
	return t;
}

/* The type of the selector path (`Inner.Peers`) from type t, or NULL. */
static const struct gotype *select_path(const struct gotype *t,
					const char *path)
{
	while (t && *path) {
		size_t n = strcspn(path, ".");
		const struct gotype *next = NULL;

		t = deref(t);
		for (size_t i = 0; t && t->kind == GK_STRUCT &&
		     i < t->nfields; i++)
			if (strlen(t->fields[i].name) == n &&
			    !strncmp(t->fields[i].name, path, n))
				next = t->fields[i].type;
		t = next;
		path += n + (path[n] == '.');
	}
	return t;
}

/*
 * Fields after "base.": base is a global (whose name may hold dots, as
 * in github.com/x/y.cfg) followed by field selectors.  The longest
 * leading part of base that names a global wins.
 */
static void type_fields(struct goproc *gp, const char *base,
			const char *prefix, struct repl_names *out)
{
	const struct gotype *t = NULL;
	char *name = xstrdup(base);
	size_t len = strlen(name);

	for (;;) {
		const struct govar *v = gotypes_var(types_of(gp), name);
		char *dot;

		if (v) {        /* base[len] is the dot after the global */
			t = select_path(v->type, base[len] ? base + len + 1 : "");
			break;
		}
		dot = strrchr(name, '.');
		if (!dot)
			break;
		*dot = 0;
		len = (size_t)(dot - name);
	}
	free(name);
	t = deref(t);
	for (size_t i = 0; t && t->kind == GK_STRUCT && i < t->nfields; i++)
		if (!strncmp(t->fields[i].name, prefix, strlen(prefix)))
			repl_names_add(out, t->fields[i].name);
}

static void add_name(void *ctx, const char *name)
{
	repl_names_add(ctx, name);
}

/* Type names that start with prefix, from the type module. */
static void type_names(struct goproc *gp, const char *prefix,
		       struct repl_names *out)
{
	char re[512], *o = re;

	*o++ = '^';
	for (const char *p = prefix; *p && o < re + sizeof(re) - 3; p++) {
		if (strchr("\\.[]()*+?{}|^$", *p))
			*o++ = '\\';
		*o++ = *p;
	}
	*o = 0;
	gotypes_each_name(types_of(gp), re, add_name, out);
}

static void complete_commands(struct repl_names *out)
{
	for (const struct command *c = commands; c->name; c++)
		repl_names_add(out, c->name);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The goroutines `goroutines` would list, from a short snapshot, in
 * numeric order. */
static void complete_goroutines(struct repl *r, struct repl_names *out)
{
	struct tb_opts o = { .system = r->base.all };
	struct snapshot s;
	uint64_t *ids;
	size_t n = 0;
	char id[32];

	if (!target_alive(r) ||
	    goproc_snapshot(r->gp, SNAP_GOROUTINES, &s) != 0)
		return;
	ids = xcalloc(s.ng, sizeof(*ids));
	for (size_t i = 0; i < s.ng; i++)
		if (traceback_listed(r->gp, &s.g[i], &o))
			ids[n++] = s.g[i].goid;
	snapshot_free(&s);
	qsort(ids, n, sizeof(*ids), cmp_u64);
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%llu", (unsigned long long)ids[i]);
		repl_names_add(out, id);
	}
	free(ids);
	rl_sort_completion_matches = 0;
}

static const struct setting {
	const char *name, *values, *help;
} settings[] = {
	{ "max-string", "N|default", "bytes of a string shown (0: all)" },
	{ "max-elems", "N|default", "elements of a slice or map (0: all)" },
	{ "depth", "N|default", "pointer levels followed" },
	{ "output", "text|json", "output format" },
	{ "all", "on|off", "system goroutines and runtime frames too" },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static void complete_setting(int argn, const char *name,
			     struct repl_names *out)
{
	if (argn == 1) {
		for (size_t i = 0; i < NSETTINGS; i++)
			repl_names_add(out, settings[i].name);
	} else if (argn == 2 && !strcmp(name, "output")) {
		repl_names_add(out, "text");
		repl_names_add(out, "json");
	} else if (argn == 2 && !strcmp(name, "all")) {
		repl_names_add(out, "on");
		repl_names_add(out, "off");
	}
}

/* Globals and "base.field"; types too where a type may stand (after
 * "(", "*" or "]": casts, pointer and composite types). */
static void complete_expr(struct repl *r, const char *text, int type_ok,
			  struct repl_names *out)
{
	const char *dot = strrchr(text, '.');

	if (completers.globals)
		completers.globals(r->gp, text, out);
	if (type_ok && completers.types)
		completers.types(r->gp, text, out);
	if (dot && completers.fields) {
		struct repl_names f = { 0 };
		char *base = strndup(text, (size_t)(dot - text));

		completers.fields(r->gp, base, dot + 1, &f);
		for (size_t i = 0; i < f.n; i++) {
			char *full;

			if (asprintf(&full, "%s.%s", base, f.v[i]) < 0)
				continue;
			repl_names_add(out, full);
			free(full);
		}
		free(base);
		names_free(&f);
	}
}

/* The words before the one being completed: how many, the first two,
 * and whether one of them starts a redirection. */
struct before {
	int argn, redirect;
	char first[64], second[64];
};

static void scan_before(const char *line, int end, struct before *b)
{
	int i = 0;

	memset(b, 0, sizeof(*b));
	while (i < end) {
		int start;

		while (i < end && isspace((unsigned char)line[i]))
			i++;
		if (i >= end)
			break;
		start = i;
		while (i < end && !isspace((unsigned char)line[i]))
			i++;
		if (line[start] == '>')
			b->redirect = 1;
		if (b->argn == 0)
			snprintf(b->first, sizeof(b->first), "%.*s",
				 i - start, line + start);
		else if (b->argn == 1)
			snprintf(b->second, sizeof(b->second), "%.*s",
				 i - start, line + start);
		b->argn++;
	}
}

static struct repl_names matches;
static size_t match_next;

static char *next_match(const char *text, int state)
{
	size_t len = strlen(text);

	if (state == 0)
		match_next = 0;
	while (match_next < matches.n) {
		const char *m = matches.v[match_next++];

		if (!strncmp(m, text, len))
			return xstrdup(m);
	}
	return NULL;
}

static void candidates(struct repl *r, const char *text, int start,
		       const struct before *b)
{
	const struct command *cmd;
	int ambiguous;

	if (b->argn == 0) {
		complete_commands(&matches);
		return;
	}
	cmd = cmd_lookup(b->first, &ambiguous);
	switch (cmd ? cmd->complete : COMPLETE_NONE) {
	case COMPLETE_COMMAND:
		if (b->argn == 1)
			complete_commands(&matches);
		break;
	case COMPLETE_GOROUTINE:
		complete_goroutines(r, &matches);
		break;
	case COMPLETE_SETTING:
		complete_setting(b->argn, b->second, &matches);
		break;
	case COMPLETE_EXPR:
		rl_completion_append_character = '\0';
		complete_expr(r, text, start > 0 &&
			      strchr("(*]", rl_line_buffer[start - 1]), &matches);
		break;
	case COMPLETE_NONE:
		break;
	}
}

static char **complete(const char *text, int start, int end)
{
	struct before b;

	(void)end;
	scan_before(rl_line_buffer, start, &b);
	if (b.redirect)
		return NULL;            /* readline completes the file name */
	rl_attempted_completion_over = 1;
	rl_sort_completion_matches = 1;
	names_free(&matches);
	candidates(session, text, start, &b);
	return rl_completion_matches(text, next_match);
}

/* ---- reading lines ---- */

static void on_line(char *line)
{
	session->line = line;
	session->got_line = 1;
	rl_callback_handler_remove();
}

/* Ctrl-C at the prompt: drop the line, show a fresh prompt. */
static void cancel_line(void)
{
	got_sigint = 0;
	cmd_clear_stop();
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

/*
 * The next line from readline, or NULL at end of input.  SIGINT is
 * blocked except inside pselect(), so a Ctrl-C is never missed between
 * the test of the flag and the wait.
 */
static char *read_tty(struct repl *r)
{
	sigset_t block, old;

	r->got_line = 0;
	r->line = NULL;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	rl_callback_handler_install(r->gp->tgt.held ? PROMPT_HELD : PROMPT,
				    on_line);
	while (!r->got_line) {
		fd_set fds;

		if (got_sigint)
			cancel_line();
		FD_ZERO(&fds);
		FD_SET(STDIN_FILENO, &fds);
		if (pselect(STDIN_FILENO + 1, &fds, NULL, NULL, NULL,
			    &old) > 0) {
			rl_callback_read_char();
		} else if (errno == EINTR) {
			rl_check_signals();     /* SIGWINCH */
		} else {
			rl_callback_handler_remove();
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!r->line)
		fputc('\n', rl_outstream);      /* Ctrl-D */
	return r->line;
}

static char *read_plain(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);

	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = 0;
	return line;
}

/* ---- setting up and leaving ---- */

static char *history_path(void)
{
	const char *p = getenv("GOINSPECT_HISTORY"), *home;
	char *path;

	if (p && *p)
		return xstrdup(p);
	home = getenv("HOME");
	if (!home || !*home || asprintf(&path, "%s/.goinspect_history",
					home) < 0)
		return NULL;
	return path;
}

static void start_readline(struct repl *r)
{
	char comm[64];

	rl_readline_name = "goinspect";
	rl_catch_signals = 0;           /* Ctrl-C is ours (on_sigint) */
	rl_persistent_signal_handlers = 1;
	rl_attempted_completion_function = complete;
	rl_completer_word_break_characters = " \t\n\"'`><=;|&{}()[]*,!";
	/* A prompt for a terminal even when stdout is redirected. */
	if (!isatty(STDOUT_FILENO) && isatty(STDERR_FILENO))
		rl_outstream = stderr;
	using_history();
	stifle_history(HISTORY_LINES);
	r->history = history_path();
	if (r->history)
		read_history(r->history);
	target_comm(r->gp->pid, comm, sizeof(comm));
	fprintf(rl_outstream ? rl_outstream : stdout,
		"goinspect: process %d (%s), %s; 'help' lists the commands\n",
		(int)r->gp->pid, comm, r->gp->version);
}

static void remember(const char *line)
{
	HIST_ENTRY *last = history_length > 0 ?
			   history_get(history_base + history_length - 1) : NULL;

	if (*line && (!last || strcmp(last->line, line)))
		add_history(line);
}

static void stop_readline(struct repl *r)
{
	if (r->history) {
		if (write_history(r->history) != 0)
			diag_warn("cannot write the history to '%s'",
				  r->history);
		else
			history_truncate_file(r->history, HISTORY_LINES);
	}
	free(r->history);
	clear_history();
}

static void leave(struct repl *r)
{
	if (r->gp->tgt.held) {
		target_unhold(&r->gp->tgt);
		if (r->interactive)
			fprintf(stderr, "goinspect: process %d released\n",
				(int)r->gp->pid);
	}
}

int repl_run(const struct cmd_ctx *base)
{
	struct sigaction sa, old;
	struct repl r;
	char state;

	memset(&r, 0, sizeof(r));
	r.base = *base;
	r.base.repl = &r;
	r.gp = base->gp;
	r.interactive = isatty(STDIN_FILENO);
	if (proc_stat(r.gp->pid, &state, &r.start_time) < 0)
		r.exited = 1;
	session = &r;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;      /* no SA_RESTART: reads return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	if (r.interactive)
		start_readline(&r);
	while (!r.quit) {
		char *line = r.interactive ? read_tty(&r) : read_plain();
		int rc;

		if (!line)
			break;
		if (r.interactive)
			remember(line);
		rc = line[strspn(line, " \t")] == '#' ? EXIT_OK :
		     run_line(&r, line);
		free(line);
		if (rc)
			r.last_rc = rc;
		if (!r.interactive && (fflush(stdout) != 0 || r.interrupted))
			break;          /* a script that was interrupted ends */
	}
	leave(&r);
	if (r.interactive)
		stop_readline(&r);
	if (session_types)
		gotypes_free(session_types);
	session_types = NULL;
	sigaction(SIGINT, &old, NULL);
	session = NULL;
	return r.interactive ? EXIT_OK : r.last_rc;
}

/* ---- the session's commands ---- */

static void show_limit(FILE *out, const char *name, long v)
{
	if (v == CMD_LIMIT_DEFAULT)
		fprintf(out, "%-11s default\n", name);
	else
		fprintf(out, "%-11s %ld\n", name, v);
}

static void show_settings(const struct cmd_ctx *b, FILE *out)
{
	show_limit(out, "max-string", b->max_string);
	show_limit(out, "max-elems", b->max_elems);
	show_limit(out, "depth", b->depth);
	fprintf(out, "%-11s %s\n", "output", b->json ? "json" : "text");
	fprintf(out, "%-11s %s\n", "all", b->all ? "on" : "off");
}

static int parse_limit(const char *name, const char *v, long *out)
{
	char *end;
	long n;

	if (!strcmp(v, "default")) {
		*out = CMD_LIMIT_DEFAULT;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > INT_MAX) {
		diag_error("set %s: '%s' is not a count (or 'default')", name,
			   v);
		return -1;
	}
	*out = n;
	return 0;
}

static int parse_choice(const char *name, const char *v, const char *no,
			const char *yes, int *out)
{
	if (strcmp(v, no) && strcmp(v, yes)) {
		diag_error("set %s: '%s' is neither %s nor %s", name, v, no,
			   yes);
		return -1;
	}
	*out = !strcmp(v, yes);
	return 0;
}

static int apply_setting(struct cmd_ctx *b, const char *name, const char *v)
{
	if (!strcmp(name, "max-string"))
		return parse_limit(name, v, &b->max_string);
	if (!strcmp(name, "max-elems"))
		return parse_limit(name, v, &b->max_elems);
	if (!strcmp(name, "depth"))
		return parse_limit(name, v, &b->depth);
	if (!strcmp(name, "output"))
		return parse_choice(name, v, "text", "json", &b->json);
	return parse_choice(name, v, "off", "on", &b->all);
}

int cmd_set(struct cmd_ctx *c, int argc, char **argv)
{
	struct cmd_ctx *b = &c->repl->base;
	const struct setting *s = NULL;

	if (argc == 1) {
		show_settings(b, c->out);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NSETTINGS; i++)
		if (!strcmp(argv[1], settings[i].name))
			s = &settings[i];
	if (!s || argc > 3) {
		diag_error(s ? "set: one value at most" :
			   "set: no setting '%s'; 'help set' lists them",
			   argv[1]);
		return EXIT_USAGE;
	}
	if (argc == 2) {
		fprintf(c->out, "%s %s: %s\n", s->name, s->values, s->help);
		return EXIT_OK;
	}
	return apply_setting(b, s->name, argv[2]) < 0 ? EXIT_USAGE : EXIT_OK;
}

static int no_args(int argc, char **argv)
{
	if (argc <= 1)
		return 0;
	diag_error("%s takes no arguments", argv[0]);
	return -1;
}

int cmd_hold(struct cmd_ctx *c, int argc, char **argv)
{
	struct target *t = &c->gp->tgt;

	if (no_args(argc, argv) < 0)
		return EXIT_USAGE;
	if (t->held) {
		fprintf(c->out, "process %d is held already\n", (int)c->gp->pid);
		return EXIT_OK;
	}
	if (target_hold(t) < 0) {
		diag_error("hold %d: %s", (int)c->gp->pid, diag_reason());
		return EXIT_ATTACH;
	}
	clock_gettime(CLOCK_MONOTONIC, &c->repl->held_since);
	fprintf(c->out, "process %d stopped (%zu threads) until 'release'\n",
		(int)c->gp->pid, t->nthreads);
	return EXIT_OK;
}

int cmd_release(struct cmd_ctx *c, int argc, char **argv)
{
	struct target *t = &c->gp->tgt;
	struct timespec now;

	if (no_args(argc, argv) < 0)
		return EXIT_USAGE;
	if (!t->held) {
		fprintf(c->out, "process %d is not held\n", (int)c->gp->pid);
		return EXIT_OK;
	}
	target_unhold(t);
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(c->out, "process %d running again after %.1f s\n",
		(int)c->gp->pid,
		target_elapsed_us(&c->repl->held_since, &now) / 1e6);
	return EXIT_OK;
}

int cmd_refresh(struct cmd_ctx *c, int argc, char **argv)
{
	struct target *t = &c->gp->tgt;
	char comm[64];

	if (no_args(argc, argv) < 0)
		return EXIT_USAGE;
	if (session_types)              /* read the type list afresh too */
		gotypes_free(session_types);
	session_types = NULL;
	target_comm(c->gp->pid, comm, sizeof(comm));
	if (!t->held) {
		fprintf(c->out, "process %d (%s) running, %zu threads\n",
			(int)c->gp->pid, comm, count_threads(c->gp->pid));
		return EXIT_OK;
	}
	/* A new consistent view: let it run for a moment, stop it again. */
	target_unhold(t);
	if (target_hold(t) < 0) {
		diag_error("hold %d: %s", (int)c->gp->pid, diag_reason());
		return EXIT_ATTACH;
	}
	clock_gettime(CLOCK_MONOTONIC, &c->repl->held_since);
	fprintf(c->out, "process %d (%s) stopped afresh (%zu threads)\n",
		(int)c->gp->pid, comm, t->nthreads);
	return EXIT_OK;
}

int cmd_quit(struct cmd_ctx *c, int argc, char **argv)
{
	if (no_args(argc, argv) < 0)
		return EXIT_USAGE;
	c->repl->quit = 1;
	return EXIT_OK;
}
