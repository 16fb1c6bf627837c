/*
 * procscan.c - find Go processes from /proc without attaching to them.
 *
 * Only section headers are read to decide whether a file is a Go program,
 * so scanning every process of a machine stays cheap: the section data of
 * a non-Go binary is never touched.
 */
#define _GNU_SOURCE
#include "procscan.h"
#include "diag.h"
#include "elfimg.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PROCS (1u << 22)    /* pid_max can be no larger */

/* What the section headers of an executable say. */
struct exeinfo {
	int go;                 /* .go.buildinfo or a pclntab section */
	int symtab;
	const void *bi_data;    /* .go.buildinfo contents, or NULL */
	size_t bi_size;
};

static void read_sections(Elf *e, struct exeinfo *x)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			x->symtab = 1;
		if (!strcmp(name, ".gopclntab") ||
		    !strcmp(name, ".data.rel.ro.gopclntab"))
			x->go = 1;
		if (!strcmp(name, ".go.buildinfo")) {
			Elf_Data *d = elf_rawdata(scn, NULL);

			x->go = 1;
			if (d && d->d_buf) {
				x->bi_data = d->d_buf;
				x->bi_size = d->d_size;
			}
		}
	}
}

/* Decode .go.buildinfo with the parser elfimg uses, through a stand-in
 * image that holds only that section. */
static void take_buildinfo(const struct exeinfo *x, struct procinfo *pi)
{
	struct elf_section sec = {
		.name = ".go.buildinfo", .size = x->bi_size,
		.data = x->bi_data,
	};
	struct elfimg img;

	memset(&img, 0, sizeof(img));
	img.sections = &sec;
	img.nsections = 1;
	if (elfimg_buildinfo(&img) == 0) {
		snprintf(pi->version, sizeof(pi->version), "%s",
			 img.bi.go_version ? img.bi.go_version : "");
		snprintf(pi->module, sizeof(pi->module), "%s",
			 img.bi.main_path ? img.bi.main_path : "");
		snprintf(pi->module_version, sizeof(pi->module_version), "%s",
			 img.bi.main_version ? img.bi.main_version : "");
	}
	free(img.bi.go_version);
	free(img.bi.modinfo);
	free(img.bi.main_path);
	free(img.bi.main_version);
}

/* Returns 1 for a Go executable, 0 for another file, -1 on error. */
static int probe_exe(pid_t pid, struct procinfo *pi)
{
	struct exeinfo x = { 0 };
	char link[64];
	ssize_t n;
	Elf *e;
	int fd;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, pi->exe, sizeof(pi->exe) - 1);
	pi->exe[n > 0 ? n : 0] = 0;
	fd = open(link, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_set("open %s: %s", link, strerror(errno));
		return -1;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (e && elf_kind(e) == ELF_K_ELF)
		read_sections(e, &x);
	if (x.go) {
		pi->stripped = !x.symtab;
		if (x.bi_data)
			take_buildinfo(&x, pi);
	}
	if (e)
		elf_end(e);
	close(fd);
	return x.go;
}

/* "Threads:" and "VmRSS:" from /proc/PID/status. */
static void read_status(pid_t pid, struct procinfo *pi)
{
	char path[64], line[256];
	FILE *f;

	pi->threads = -1;
	pi->rss_bytes = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		long long v;

		if (sscanf(line, "Threads: %lld", &v) == 1)
			pi->threads = (long)v;
		else if (sscanf(line, "VmRSS: %lld kB", &v) == 1)
			pi->rss_bytes = v * 1024;
	}
	fclose(f);
}

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	buf[0] = 0;
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

int procscan_probe(pid_t pid, struct procinfo *pi)
{
	int rc;

	memset(pi, 0, sizeof(*pi));
	pi->pid = pid;
	rc = probe_exe(pid, pi);
	if (rc <= 0)
		return rc;
	read_comm(pid, pi->comm, sizeof(pi->comm));
	read_status(pid, pi);
	return 1;
}

/* The file name of an executable path, without the " (deleted)" the
 * kernel appends when the file was removed or replaced. */
static int exe_name_is(const char *exe, const char *name)
{
	static const char deleted[] = " (deleted)";
	const char *base = strrchr(exe, '/');
	size_t len, dl = sizeof(deleted) - 1;

	base = base ? base + 1 : exe;
	len = strlen(base);
	if (len > dl && !strcmp(base + len - dl, deleted))
		len -= dl;
	return len == strlen(name) && !strncmp(base, name, len);
}

static int by_pid(const void *a, const void *b)
{
	const struct procinfo *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Scan /proc; keep the Go processes that match (name NULL: all). */
static size_t scan(const char *name, struct procinfo **out)
{
	DIR *d = opendir("/proc");
	struct procinfo *v = NULL, pi;
	size_t n = 0, cap = 0;
	struct dirent *de;

	*out = NULL;
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL && n < MAX_PROCS) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (!isdigit((unsigned char)de->d_name[0]) || *end ||
		    pid <= 0 || pid == (long)getpid())
			continue;
		if (procscan_probe((pid_t)pid, &pi) != 1)
			continue;
		if (name && strcmp(pi.comm, name) &&
		    !exe_name_is(pi.exe, name))
			continue;
		xgrow((void **)&v, &cap, n + 1, sizeof(*v));
		v[n++] = pi;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_pid);
	*out = v;
	return n;
}

size_t procscan_all(struct procinfo **out)
{
	return scan(NULL, out);
}

size_t procscan_by_name(const char *name, struct procinfo **out)
{
	return scan(name, out);
}
