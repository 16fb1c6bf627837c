/*
 * cmd_ps.c - `ps`: the Go processes this user may inspect, found from
 * /proc without attaching to any of them (no agent in the target).
 */
#include "cmd.h"
#include "diag.h"
#include "json.h"
#include "procscan.h"

#include <stdlib.h>
#include <string.h>

static void ps_json(FILE *out, const struct procinfo *v, size_t n)
{
	struct json j;

	json_init(&j, out);
	json_begin_object(&j);
	json_key(&j, "processes");
	json_begin_array(&j);
	for (size_t i = 0; i < n; i++) {
		json_begin_object(&j);
		json_kv_int(&j, "pid", v[i].pid);
		json_kv_string(&j, "command", v[i].comm);
		json_kv_string(&j, "exe", v[i].exe);
		json_key(&j, "go_version");
		if (v[i].version[0])
			json_string(&j, v[i].version);
		else
			json_null(&j);
		json_key(&j, "main_module");
		if (v[i].module[0])
			json_string(&j, v[i].module);
		else
			json_null(&j);
		json_key(&j, "main_version");
		if (v[i].module_version[0])
			json_string(&j, v[i].module_version);
		else
			json_null(&j);
		json_kv_int(&j, "threads", v[i].threads);
		json_kv_int(&j, "rss_bytes", v[i].rss_bytes);
		json_kv_bool(&j, "stripped", v[i].stripped);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_end(&j);
}

/* One line per process, starting with the pid. */
static void ps_text(FILE *out, const struct procinfo *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct procinfo *p = &v[i];
		char rss[32];

		if (p->rss_bytes < 0)
			snprintf(rss, sizeof(rss), "?");
		else
			snprintf(rss, sizeof(rss), "%.1fM",
				 (double)p->rss_bytes / (1024.0 * 1024.0));
		fprintf(out, "%-7d %-15s %-10s %-36s %4ld %8s %s\n",
			(int)p->pid, p->comm[0] ? p->comm : "?",
			p->version[0] ? p->version : "?",
			p->module[0] ? p->module : "?", p->threads, rss,
			p->stripped ? "stripped" : "-");
	}
}

int cmd_ps(struct cmd_ctx *c, int argc, char **argv)
{
	struct procinfo *v;
	size_t n;

	if (argc > 1) {
		diag_error("ps: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	n = procscan_all(&v);
	if (c->json)
		ps_json(c->out, v, n);
	else
		ps_text(c->out, v, n);
	free(v);
	return EXIT_OK;
}
