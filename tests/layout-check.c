/*
 * layout-check - compare goinspect's built-in runtime layout table with the
 * DWARF of a Go binary.
 *
 * usage: layout-check BINARY GOVERSION     (e.g. go1.26.8)
 *
 * Prints "ok" and exits 0 when every offset in the table for GOVERSION
 * agrees with the binary's DWARF; otherwise prints the first mismatch and
 * the count and exits 1.  Exit 2 on usage or I/O errors, or when the
 * binary has no usable DWARF.
 */
#include "layout.h"

#include <elfutils/libdw.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct go_version v;
	const struct layout *l;
	struct layout *fromdw;
	char msg[256];
	Dwarf *dw;
	int fd, n;

	if (argc != 3) {
		fprintf(stderr, "usage: layout-check BINARY GOVERSION\n");
		return 2;
	}
	if (layout_parse_version(argv[2], &v) < 0) {
		fprintf(stderr, "layout-check: bad Go version '%s'\n", argv[2]);
		return 2;
	}
	l = layout_for_version(&v);
	if (l == NULL) {
		fprintf(stderr, "layout-check: no table for go%d.%d.%d\n",
			v.major, v.minor, v.patch);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	dw = dwarf_begin(fd, DWARF_C_READ);
	if (dw == NULL) {
		fprintf(stderr, "layout-check: %s: no DWARF: %s\n", argv[1],
			dwarf_errmsg(-1));
		close(fd);
		return 2;
	}
	n = layout_check_dwarf(l, dw, msg, sizeof(msg));
	if (n < 0) {
		fprintf(stderr, "layout-check: %s: %s\n", argv[1], msg);
		dwarf_end(dw);
		close(fd);
		return 2;
	}
	/* A table rebuilt from DWARF must agree with the DWARF, too. */
	fromdw = layout_from_dwarf(l, dw);
	if (fromdw == NULL || layout_check_dwarf(fromdw, dw, NULL, 0) != 0) {
		fprintf(stderr, "layout-check: layout_from_dwarf disagrees\n");
		n = n ? n : 1;
	}
	free(fromdw);
	if (n == 0)
		printf("ok\n");
	else
		printf("%d mismatches; first: %s\n", n, msg);
	dwarf_end(dw);
	close(fd);
	return n == 0 ? 0 : 1;
}
