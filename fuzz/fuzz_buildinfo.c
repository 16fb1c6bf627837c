/*
 * fuzz_buildinfo.c - libFuzzer harness for src/buildinfo.c.
 *
 * The input is the .go.buildinfo section of an executable.  The harness
 * decodes it as goinspect does (version, module info, main module), looks
 * up the build settings that `info` shows, and parses the version string
 * the way the layout choice does (src/layout.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzzimg.h"

static const char *const keys[] = {
	"GOOS", "GOARCH", "CGO_ENABLED", "-trimpath", "-buildmode",
	"-ldflags", "GOAMD64", "-compiler", "", "=",
};

static void free_bi(struct buildinfo *bi)
{
	free(bi->go_version);
	free(bi->modinfo);
	free(bi->main_path);
	free(bi->main_version);
	memset(bi, 0, sizeof(*bi));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_section sec;
	struct elfimg img;
	struct go_version v;
	char buf[256];

	fuzzimg_section(&sec, ".go.buildinfo", 0x600000, data, size);
	fuzzimg_init(&img, &sec, 1);
	if (elfimg_buildinfo(&img) == 0) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			buildinfo_setting(&img.bi, keys[i], buf, sizeof(buf));
		buildinfo_setting(&img.bi, "GOOS", buf, 1);
		if (layout_parse_version(img.bi.go_version, &v) == 0)
			(void)layout_for_version(&v);
	}
	free_bi(&img.bi);
	/* The same parser reads --force-version from the command line. */
	if (size < sizeof(buf)) {
		memcpy(buf, data, size);
		buf[size] = 0;
		if (layout_parse_version(buf, &v) == 0)
			(void)layout_for_version(&v);
	}
	return 0;
}
