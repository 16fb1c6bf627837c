/*
 * cmd_info.c - `info`: what the target is.  Reads only the executable and
 * /proc; the target is not stopped.
 */
#include "cmd.h"
#include "diag.h"
#include "goproc.h"
#include "json.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

static int count_threads(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

struct info {
	const char *setting_keys[8];
	char settings[8][256];
	int has[8];
};

static const char *const setting_names[] = {
	"GOOS", "GOARCH", "CGO_ENABLED", "-trimpath", "-buildmode",
	"-ldflags", "GOAMD64", "-compiler",
};
#define NSETTINGS (sizeof(setting_names) / sizeof(setting_names[0]))

static int uses_cgo(const struct goproc *gp, const struct info *in)
{
	if (in->has[2])
		return !strcmp(in->settings[2], "1");
	return gp->img.has_interp;
}

static void info_json(struct cmd_ctx *c, const struct info *in, int threads)
{
	struct goproc *gp = c->gp;
	const struct buildinfo *bi = &gp->img.bi;
	struct json j;

	json_init(&j, c->out);
	json_begin_object(&j);
	json_kv_int(&j, "pid", gp->pid);
	json_kv_string(&j, "exe", gp->img.path);
	json_kv_string(&j, "go_version", gp->version);
	json_kv_string(&j, "version_from",
		       gp->version_source ? gp->version_source : "forced");
	json_kv_string(&j, "main_module", bi->main_path ? bi->main_path : "");
	json_kv_string(&j, "main_version",
		       bi->main_version ? bi->main_version : "");
	json_key(&j, "build");
	json_begin_object(&j);
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (!in->has[i])
			continue;
		json_key(&j, setting_names[i]);
		json_string(&j, in->settings[i]);
	}
	json_end_object(&j);
	json_kv_bool(&j, "pie", gp->img.is_pie);
	json_kv_bool(&j, "stripped", gp->img.nsymbols == 0);
	json_kv_bool(&j, "dwarf", gp->img.has_dwarf);
	json_kv_bool(&j, "cgo", uses_cgo(gp, in));
	json_kv_int(&j, "threads", threads);
	json_end_object(&j);
	json_end(&j);
}

static void info_text(struct cmd_ctx *c, const struct info *in, int threads)
{
	struct goproc *gp = c->gp;
	const struct buildinfo *bi = &gp->img.bi;
	FILE *o = c->out;

	fprintf(o, "pid:          %d\n", (int)gp->pid);
	fprintf(o, "executable:   %s\n", gp->img.path);
	fprintf(o, "go version:   %s (from %s)\n", gp->version,
		gp->version_source ? gp->version_source : "--force-version");
	if (bi->main_path)
		fprintf(o, "main module:  %s %s\n", bi->main_path,
			bi->main_version ? bi->main_version : "");
	for (size_t i = 0; i < NSETTINGS; i++)
		if (in->has[i])
			fprintf(o, "build:        %s=%s\n", setting_names[i],
				in->settings[i]);
	fprintf(o, "pie:          %s\n", gp->img.is_pie ? "yes" : "no");
	fprintf(o, "stripped:     %s\n", gp->img.nsymbols ? "no" : "yes");
	fprintf(o, "dwarf:        %s\n", gp->img.has_dwarf ? "yes" : "no");
	fprintf(o, "cgo:          %s\n", uses_cgo(gp, in) ? "yes" : "no");
	fprintf(o, "threads:      %d\n", threads);
	fprintf(o, "globals from: %s\n", gp->gl.how ? gp->gl.how : "?");
}

int cmd_info(struct cmd_ctx *c, int argc, char **argv)
{
	struct info in;
	int threads = count_threads(c->gp->pid);

	(void)argv;
	if (argc > 1) {
		diag_error("info takes no arguments");
		return EXIT_USAGE;
	}
	memset(&in, 0, sizeof(in));
	for (size_t i = 0; i < NSETTINGS; i++)
		in.has[i] = buildinfo_setting(&c->gp->img.bi, setting_names[i],
					      in.settings[i],
					      sizeof(in.settings[i])) == 0;
	if (c->json)
		info_json(c, &in, threads);
	else
		info_text(c, &in, threads);
	return EXIT_OK;
}
