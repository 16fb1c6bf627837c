/*
 * layout.c - per-release offsets of the Go runtime structures goinspect
 * reads (g, m, p, schedt, moduledata, _func), linux/amd64, Go 1.19 to 1.27,
 * and a checker that compares a table with the DWARF of a binary.
 *
 * How the tables were made (see the comment above each one):
 *  - every offset was computed by type-checking the runtime package of that
 *    release's source tree with go/types (IgnoreFuncBodies, gc/amd64 sizes,
 *    the release's default GOEXPERIMENT build tags) and printing
 *    Sizes.Offsetsof for each struct;
 *  - that method was checked against DWARF: for go1.19.8, go1.26.8 and
 *    go1.27.3 every member offset and size of runtime.g, m, p, schedt,
 *    moduledata, _func, gobuf, gQueue, timers and pcHeader agreed with
 *    DW_AT_data_member_location of a binary built by the same toolchain;
 *  - funcIDs, waitReasonStrings, _Gleaked/_Gdeadextra, TFlagDirectIface,
 *    the traceback frame limits and "in goroutine" were read in the same
 *    source trees (runtime/runtime2.go, runtime/symtab.go or
 *    internal/abi/symtab.go, runtime/traceback.go, internal/abi/type.go).
 * Patch releases of one minor release share a table: no struct change that
 * moves a field in this table is known to happen inside a minor release,
 * except the caveat on 1.25 noted at its table.
 */
#include "layout.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* "to" patch number meaning "every patch release of this minor". */
#define ANY_PATCH 9999

/* Wait reasons of go1.19: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_19[] = {
	"", "GC assist marking", "IO wait", "chan receive (nil chan)",
	"chan send (nil chan)", "dumping heap", "garbage collection",
	"garbage collection scan", "panicwait", "select", "select (no cases)",
	"GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
	"chan send", "finalizer wait", "force gc (idle)", "semacquire",
	"sleep", "sync.Cond.Wait", "timer goroutine (idle)",
	"trace reader (blocked)", "wait for GC cycle", "GC worker (idle)",
	"preempted", "debug call",
};

/* Wait reasons of go1.20: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_20[] = {
	"", "GC assist marking", "IO wait", "chan receive (nil chan)",
	"chan send (nil chan)", "dumping heap", "garbage collection",
	"garbage collection scan", "panicwait", "select", "select (no cases)",
	"GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
	"chan send", "finalizer wait", "force gc (idle)", "semacquire",
	"sleep", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock",
	"sync.RWMutex.Lock", "trace reader (blocked)", "wait for GC cycle",
	"GC worker (idle)", "GC worker (active)", "preempted", "debug call",
	"GC mark termination", "stopping the world",
};

/* Wait reasons of go1.21: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_21[] = {
	"", "GC assist marking", "IO wait", "chan receive (nil chan)",
	"chan send (nil chan)", "dumping heap", "garbage collection",
	"garbage collection scan", "panicwait", "select", "select (no cases)",
	"GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
	"chan send", "finalizer wait", "force gc (idle)", "semacquire",
	"sleep", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock",
	"sync.RWMutex.Lock", "trace reader (blocked)", "wait for GC cycle",
	"GC worker (idle)", "GC worker (active)", "preempted", "debug call",
	"GC mark termination", "stopping the world",
};

/* Wait reasons of go1.22: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_22[] = {
	"", "GC assist marking", "IO wait", "chan receive (nil chan)",
	"chan send (nil chan)", "dumping heap", "garbage collection",
	"garbage collection scan", "panicwait", "select", "select (no cases)",
	"GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
	"chan send", "finalizer wait", "force gc (idle)", "semacquire",
	"sleep", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock",
	"sync.RWMutex.Lock", "trace reader (blocked)", "wait for GC cycle",
	"GC worker (idle)", "GC worker (active)", "preempted", "debug call",
	"GC mark termination", "stopping the world", "flushing proc caches",
	"trace goroutine status", "trace proc status", "page trace flush",
	"coroutine",
};

/* Wait reasons of go1.23: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_23[] = {
	"", "GC assist marking", "IO wait", "chan receive (nil chan)",
	"chan send (nil chan)", "dumping heap", "garbage collection",
	"garbage collection scan", "panicwait", "select", "select (no cases)",
	"GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
	"chan send", "finalizer wait", "force gc (idle)", "semacquire",
	"sleep", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock",
	"sync.RWMutex.Lock", "trace reader (blocked)", "wait for GC cycle",
	"GC worker (idle)", "GC worker (active)", "preempted", "debug call",
	"GC mark termination", "stopping the world", "flushing proc caches",
	"trace goroutine status", "trace proc status", "page trace flush",
	"coroutine", "GC weak to strong wait",
};

/* Wait reasons of go1.24: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_24[] = {
	"", "GC assist marking", "IO wait", "chan receive (nil chan)",
	"chan send (nil chan)", "dumping heap", "garbage collection",
	"garbage collection scan", "panicwait", "select", "select (no cases)",
	"GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
	"chan send", "finalizer wait", "force gc (idle)", "semacquire",
	"sleep", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock",
	"sync.RWMutex.Lock", "sync.WaitGroup.Wait", "trace reader (blocked)",
	"wait for GC cycle", "GC worker (idle)", "GC worker (active)",
	"preempted", "debug call", "GC mark termination",
	"stopping the world", "flushing proc caches",
	"trace goroutine status", "trace proc status", "page trace flush",
	"coroutine", "GC weak to strong wait", "synctest.Run",
	"synctest.Wait", "chan receive (synctest)", "chan send (synctest)",
	"select (synctest)",
};

/* Wait reasons of go1.25: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_25[] = {
	"", "GC assist marking", "IO wait", "chan receive (nil chan)",
	"chan send (nil chan)", "dumping heap", "garbage collection",
	"garbage collection scan", "panicwait", "select", "select (no cases)",
	"GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
	"chan send", "finalizer wait", "force gc (idle)",
	"GOMAXPROCS updater (idle)", "semacquire", "sleep", "sync.Cond.Wait",
	"sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
	"sync.WaitGroup.Wait", "trace reader (blocked)", "wait for GC cycle",
	"GC worker (idle)", "GC worker (active)", "preempted", "debug call",
	"GC mark termination", "stopping the world", "flushing proc caches",
	"trace goroutine status", "trace proc status", "page trace flush",
	"coroutine", "GC weak to strong wait", "synctest.Run",
	"synctest.Wait", "chan receive (durable)", "chan send (durable)",
	"select (durable)", "sync.WaitGroup.Wait (durable)", "cleanup wait",
};

/* Wait reasons of go1.26: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_26[] = {
	"", "GC assist marking", "IO wait", "dumping heap",
	"garbage collection", "garbage collection scan", "panicwait",
	"GC assist wait", "GC sweep wait", "GC scavenge wait",
	"finalizer wait", "force gc (idle)", "GOMAXPROCS updater (idle)",
	"semacquire", "sleep", "chan receive (nil chan)",
	"chan send (nil chan)", "select (no cases)", "select", "chan receive",
	"chan send", "sync.Cond.Wait", "sync.Mutex.Lock",
	"sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
	"trace reader (blocked)", "wait for GC cycle", "GC worker (idle)",
	"GC worker (active)", "preempted", "debug call",
	"GC mark termination", "stopping the world", "flushing proc caches",
	"trace goroutine status", "trace proc status", "page trace flush",
	"coroutine", "GC weak to strong wait", "synctest.Run",
	"synctest.Wait", "chan receive (durable)", "chan send (durable)",
	"select (durable)", "sync.WaitGroup.Wait (durable)", "cleanup wait",
};

/* Wait reasons of go1.27: runtime2.go waitReasonStrings, index order. */
static const char *const wait_reasons_1_27[] = {
	"", "GC assist marking", "IO wait", "dumping heap",
	"garbage collection", "garbage collection scan", "panicwait",
	"GC assist wait", "GC sweep wait", "GC scavenge wait",
	"finalizer wait", "force gc (idle)", "GOMAXPROCS updater (idle)",
	"semacquire", "sleep", "chan receive (nil chan)",
	"chan send (nil chan)", "select (no cases)", "select", "chan receive",
	"chan send", "sync.Cond.Wait", "sync.Mutex.Lock",
	"sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
	"trace reader (blocked)", "wait for GC cycle", "GC worker (idle)",
	"GC worker (active)", "preempted", "debug call",
	"GC mark termination", "stopping the world", "flushing proc caches",
	"trace goroutine status", "trace proc status", "page trace flush",
	"coroutine", "GC weak to strong wait", "synctest.Run",
	"synctest.Wait", "chan receive (durable)", "chan send (durable)",
	"select (durable)", "sync.WaitGroup.Wait (durable)", "cleanup wait",
};

static const struct layout layouts[] = {
/*
 * go1.19: offsets computed with go/types (gc, amd64 sizes) from go1.19.8
 * (Debian golang-1.19-src); offsets also read from DWARF.
 * funcIDs: runtime/symtab.go funcID_* of the same tree.
 */
{
	.from = { 1, 19, 0 }, .to = { 1, 19, ANY_PATCH },
	.g = {
		.size = 392, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 104,
		.sched_lr = 96, .syscallsp = 112, .syscallpc = 120,
		.syscallbp = -1, .atomicstatus = 144, .goid = 152,
		.schedlink = 160, .waitsince = 168, .waitreason = 176,
		.lockedm = 232, .parent_goid = -1, .gopc = 296,
		.ancestors = 304, .startpc = 312, .waiting = 328,
		.labels = 360,
	},
	.m = {
		.size = 1008, .g0 = 0, .procid = 72, .gsignal = 80,
		.tls = 136, .curg = 192, .p = 208, .id = 232, .spinning = 276,
		.blocked = 277, .alllink = 336, .schedlink = 344,
		.lockedg = 352, .ncgocall = 304, .throwing = 244,
	},
	.p = {
		.size = 8912, .id = 0, .status = 4, .link = 8, .m = 56,
		.runqhead = 400, .runqtail = 404, .runq = 408,
		.runq_len = 256, .runnext = 2456, .timers_len = 8848,
	},
	.sched = {
		.goidgen = 0, .midle = 32, .nmidle = 40, .nmidlelocked = 44,
		.mnext = 48, .maxmcount = 56, .nmsys = 60, .pidle = 80,
		.npidle = 88, .nmspinning = 92, .runq_head = 96,
		.runqsize = 112, .gcwaiting = 224,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 280,
		.etypes = 288, .rodata = 296, .gofunc = 304, .typelinks = 336,
		.itablinks = 360, .modulename = 448, .next = 544,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = -1, .funcid = 36, .flag = 37,
		.nfuncdata = 39, .pcdata = 40, .funcid_wrapper = 21,
		.funcid_goexit = 7, .funcid_gopanic = 9, .funcid_mstart = 13,
		.funcid_systemstack = 19, .funcid_runtime_main = 17,
	},
	.gstatus_leaked = -1, .gstatus_deadextra = -1,
	.wait_reasons = wait_reasons_1_19,
	.n_wait_reasons = NELEM(wait_reasons_1_19),
	.tb_created_in_goroutine = 0, .tb_elide_split = 0, .tb_max_frames = 100,
	.gobuf_has_ret = 1, .kind_direct_iface_in_tflag = 0, .swiss_maps = 0,
},
/*
 * go1.20: offsets computed with go/types (gc, amd64 sizes) from go1.20.6
 * source (GeeVong/GolangSrcReading1.20.6, VERSION go1.20.6).
 * funcIDs: runtime/symtab.go funcID_* of the same tree.
 */
{
	.from = { 1, 20, 0 }, .to = { 1, 20, ANY_PATCH },
	.g = {
		.size = 392, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 104,
		.sched_lr = 96, .syscallsp = 112, .syscallpc = 120,
		.syscallbp = -1, .atomicstatus = 144, .goid = 152,
		.schedlink = 160, .waitsince = 168, .waitreason = 176,
		.lockedm = 232, .parent_goid = -1, .gopc = 296,
		.ancestors = 304, .startpc = 312, .waiting = 328,
		.labels = 360,
	},
	.m = {
		.size = 1000, .g0 = 0, .procid = 72, .gsignal = 80,
		.tls = 136, .curg = 192, .p = 208, .id = 232, .spinning = 276,
		.blocked = 277, .alllink = 336, .schedlink = 344,
		.lockedg = 352, .ncgocall = 304, .throwing = 244,
	},
	.p = {
		.size = 8904, .id = 0, .status = 4, .link = 8, .m = 56,
		.runqhead = 400, .runqtail = 404, .runq = 408,
		.runq_len = 256, .runnext = 2456, .timers_len = 8840,
	},
	.sched = {
		.goidgen = 0, .midle = 32, .nmidle = 40, .nmidlelocked = 44,
		.mnext = 48, .maxmcount = 56, .nmsys = 60, .pidle = 80,
		.npidle = 88, .nmspinning = 92, .runq_head = 104,
		.runqsize = 120, .gcwaiting = 232,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 296,
		.etypes = 304, .rodata = 312, .gofunc = 320, .typelinks = 352,
		.itablinks = 376, .modulename = 464, .next = 560,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = 36, .funcid = 40, .flag = 41,
		.nfuncdata = 43, .pcdata = 44, .funcid_wrapper = 21,
		.funcid_goexit = 7, .funcid_gopanic = 9, .funcid_mstart = 13,
		.funcid_systemstack = 19, .funcid_runtime_main = 17,
	},
	.gstatus_leaked = -1, .gstatus_deadextra = -1,
	.wait_reasons = wait_reasons_1_20,
	.n_wait_reasons = NELEM(wait_reasons_1_20),
	.tb_created_in_goroutine = 0, .tb_elide_split = 0, .tb_max_frames = 100,
	.gobuf_has_ret = 1, .kind_direct_iface_in_tflag = 0, .swiss_maps = 0,
},
/*
 * go1.21: offsets computed with go/types (gc, amd64 sizes) from go1.21.12
 * source (luode0320/go-1.21.0 first commit b540f48, VERSION go1.21.12).
 * funcIDs: internal/abi/symtab.go of the same tree.
 */
{
	.from = { 1, 21, 0 }, .to = { 1, 21, ANY_PATCH },
	.g = {
		.size = 408, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 104,
		.sched_lr = 96, .syscallsp = 112, .syscallpc = 120,
		.syscallbp = -1, .atomicstatus = 144, .goid = 152,
		.schedlink = 160, .waitsince = 168, .waitreason = 176,
		.lockedm = 208, .parent_goid = 272, .gopc = 280,
		.ancestors = 288, .startpc = 296, .waiting = 312,
		.labels = 344,
	},
	.m = {
		.size = 1008, .g0 = 0, .procid = 72, .gsignal = 80,
		.tls = 136, .curg = 192, .p = 208, .id = 232, .spinning = 276,
		.blocked = 277, .alllink = 336, .schedlink = 344,
		.lockedg = 352, .ncgocall = 304, .throwing = 244,
	},
	.p = {
		.size = 8912, .id = 0, .status = 4, .link = 8, .m = 56,
		.runqhead = 400, .runqtail = 404, .runq = 408,
		.runq_len = 256, .runnext = 2456, .timers_len = 8848,
	},
	.sched = {
		.goidgen = 0, .midle = 32, .nmidle = 40, .nmidlelocked = 44,
		.mnext = 48, .maxmcount = 56, .nmsys = 60, .pidle = 80,
		.npidle = 88, .nmspinning = 92, .runq_head = 104,
		.runqsize = 120, .gcwaiting = 232,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 296,
		.etypes = 304, .rodata = 312, .gofunc = 320, .typelinks = 352,
		.itablinks = 376, .modulename = 488, .next = 584,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = 36, .funcid = 40, .flag = 41,
		.nfuncdata = 43, .pcdata = 44, .funcid_wrapper = 21,
		.funcid_goexit = 7, .funcid_gopanic = 9, .funcid_mstart = 13,
		.funcid_systemstack = 19, .funcid_runtime_main = 17,
	},
	.gstatus_leaked = -1, .gstatus_deadextra = -1,
	.wait_reasons = wait_reasons_1_21,
	.n_wait_reasons = NELEM(wait_reasons_1_21),
	.tb_created_in_goroutine = 1, .tb_elide_split = 1, .tb_max_frames = 100,
	.gobuf_has_ret = 1, .kind_direct_iface_in_tflag = 0, .swiss_maps = 0,
},
/*
 * go1.22: offsets computed with go/types (gc, amd64 sizes) from golang/go
 * master at 1653833811^ (2024-01, just before "update Version to 1.23"),
 * i.e. the go1.22 freeze tree.
 * funcIDs: internal/abi/symtab.go (FuncID_corostart inserted at 5) of the
 * same tree. Not a release tag: the go1.22.x release branch may differ; no
 * g/m/p change on it is known, but none could be ruled out here.
 */
{
	.from = { 1, 22, 0 }, .to = { 1, 22, ANY_PATCH },
	.g = {
		.size = 424, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 104,
		.sched_lr = 96, .syscallsp = 112, .syscallpc = 120,
		.syscallbp = -1, .atomicstatus = 144, .goid = 152,
		.schedlink = 160, .waitsince = 168, .waitreason = 176,
		.lockedm = 208, .parent_goid = 272, .gopc = 280,
		.ancestors = 288, .startpc = 296, .waiting = 312,
		.labels = 344,
	},
	.m = {
		.size = 2024, .g0 = 0, .procid = 72, .gsignal = 80,
		.tls = 136, .curg = 192, .p = 208, .id = 232, .spinning = 276,
		.blocked = 277, .alllink = 328, .schedlink = 336,
		.lockedg = 344, .ncgocall = 296, .throwing = 244,
	},
	.p = {
		.size = 8944, .id = 0, .status = 4, .link = 8, .m = 56,
		.runqhead = 400, .runqtail = 404, .runq = 408,
		.runq_len = 256, .runnext = 2456, .timers_len = 8880,
	},
	.sched = {
		.goidgen = 0, .midle = 32, .nmidle = 40, .nmidlelocked = 44,
		.mnext = 48, .maxmcount = 56, .nmsys = 60, .pidle = 80,
		.npidle = 88, .nmspinning = 92, .runq_head = 104,
		.runqsize = 120, .gcwaiting = 232,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 296,
		.etypes = 304, .rodata = 312, .gofunc = 320, .typelinks = 352,
		.itablinks = 376, .modulename = 488, .next = 584,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = 36, .funcid = 40, .flag = 41,
		.nfuncdata = 43, .pcdata = 44, .funcid_wrapper = 22,
		.funcid_goexit = 8, .funcid_gopanic = 10, .funcid_mstart = 14,
		.funcid_systemstack = 20, .funcid_runtime_main = 18,
	},
	.gstatus_leaked = -1, .gstatus_deadextra = -1,
	.wait_reasons = wait_reasons_1_22,
	.n_wait_reasons = NELEM(wait_reasons_1_22),
	.tb_created_in_goroutine = 1, .tb_elide_split = 1, .tb_max_frames = 100,
	.gobuf_has_ret = 1, .kind_direct_iface_in_tflag = 0, .swiss_maps = 0,
},
/*
 * go1.23: offsets computed with go/types (gc, amd64 sizes) from go1.23.5
 * source (fire1220/annotation-go1.23.5 first commit 93d5876, VERSION
 * go1.23.5).
 * funcIDs: internal/abi/symtab.go of the same tree. go1.23.5 has
 * m.g0StackAccurate, which the 1.23 freeze tree lacks; it sits in padding
 * and moves no field of this table.
 */
{
	.from = { 1, 23, 0 }, .to = { 1, 23, ANY_PATCH },
	.g = {
		.size = 432, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 104,
		.sched_lr = 96, .syscallsp = 112, .syscallpc = 120,
		.syscallbp = 128, .atomicstatus = 152, .goid = 160,
		.schedlink = 168, .waitsince = 176, .waitreason = 184,
		.lockedm = 216, .parent_goid = 280, .gopc = 288,
		.ancestors = 296, .startpc = 304, .waiting = 320,
		.labels = 352,
	},
	.m = {
		.size = 1760, .g0 = 0, .procid = 72, .gsignal = 80,
		.tls = 136, .curg = 192, .p = 208, .id = 232, .spinning = 276,
		.blocked = 277, .alllink = 328, .schedlink = 336,
		.lockedg = 344, .ncgocall = 296, .throwing = 244,
	},
	.p = {
		.size = 8944, .id = 0, .status = 4, .link = 8, .m = 48,
		.runqhead = 392, .runqtail = 396, .runq = 400,
		.runq_len = 256, .runnext = 2448, .timers_len = 8856,
	},
	.sched = {
		.goidgen = 0, .midle = 32, .nmidle = 40, .nmidlelocked = 44,
		.mnext = 48, .maxmcount = 56, .nmsys = 60, .pidle = 80,
		.npidle = 88, .nmspinning = 92, .runq_head = 104,
		.runqsize = 120, .gcwaiting = 232,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 296,
		.etypes = 304, .rodata = 312, .gofunc = 320, .typelinks = 352,
		.itablinks = 376, .modulename = 488, .next = 576,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = 36, .funcid = 40, .flag = 41,
		.nfuncdata = 43, .pcdata = 44, .funcid_wrapper = 22,
		.funcid_goexit = 8, .funcid_gopanic = 10, .funcid_mstart = 14,
		.funcid_systemstack = 20, .funcid_runtime_main = 18,
	},
	.gstatus_leaked = -1, .gstatus_deadextra = -1,
	.wait_reasons = wait_reasons_1_23,
	.n_wait_reasons = NELEM(wait_reasons_1_23),
	.tb_created_in_goroutine = 1, .tb_elide_split = 1, .tb_max_frames = 100,
	.gobuf_has_ret = 1, .kind_direct_iface_in_tflag = 0, .swiss_maps = 0,
},
/*
 * go1.24: offsets computed with go/types (gc, amd64 sizes) from golang/go
 * master at 9da530f11a^ (2025-02, just before "update Version to 1.25"),
 * i.e. the go1.24 freeze tree.
 * funcIDs: internal/abi/symtab.go of the same tree. Not a release tag: the
 * go1.24.x release branch may differ; no g/m/p change on it is known, but
 * none could be ruled out here. gobuf still has ret in 1.24 (removed
 * 2025-02-25, commit c594762ad5, i.e. in 1.25).
 */
{
	.from = { 1, 24, 0 }, .to = { 1, 24, ANY_PATCH },
	.g = {
		.size = 440, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 104,
		.sched_lr = 96, .syscallsp = 112, .syscallpc = 120,
		.syscallbp = 128, .atomicstatus = 152, .goid = 160,
		.schedlink = 168, .waitsince = 176, .waitreason = 184,
		.lockedm = 216, .parent_goid = 280, .gopc = 288,
		.ancestors = 296, .startpc = 304, .waiting = 320,
		.labels = 352,
	},
	.m = {
		.size = 1808, .g0 = 0, .procid = 72, .gsignal = 80,
		.tls = 136, .curg = 192, .p = 208, .id = 232, .spinning = 276,
		.blocked = 277, .alllink = 328, .schedlink = 336,
		.lockedg = 344, .ncgocall = 296, .throwing = 244,
	},
	.p = {
		.size = 8952, .id = 0, .status = 4, .link = 8, .m = 48,
		.runqhead = 392, .runqtail = 396, .runq = 400,
		.runq_len = 256, .runnext = 2448, .timers_len = 8856,
	},
	.sched = {
		.goidgen = 0, .midle = 32, .nmidle = 40, .nmidlelocked = 44,
		.mnext = 48, .maxmcount = 56, .nmsys = 60, .pidle = 80,
		.npidle = 88, .nmspinning = 92, .runq_head = 104,
		.runqsize = 120, .gcwaiting = 232,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 296,
		.etypes = 304, .rodata = 312, .gofunc = 320, .typelinks = 352,
		.itablinks = 376, .modulename = 488, .next = 576,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = 36, .funcid = 40, .flag = 41,
		.nfuncdata = 43, .pcdata = 44, .funcid_wrapper = 22,
		.funcid_goexit = 8, .funcid_gopanic = 10, .funcid_mstart = 14,
		.funcid_systemstack = 20, .funcid_runtime_main = 18,
	},
	.gstatus_leaked = -1, .gstatus_deadextra = -1,
	.wait_reasons = wait_reasons_1_24,
	.n_wait_reasons = NELEM(wait_reasons_1_24),
	.tb_created_in_goroutine = 1, .tb_elide_split = 1, .tb_max_frames = 100,
	.gobuf_has_ret = 1, .kind_direct_iface_in_tflag = 0, .swiss_maps = 1,
},
/*
 * go1.25: offsets computed with go/types (gc, amd64 sizes) from golang/go
 * master at edcde86990 (2025-05-21) with runtime2.go g/m field lists
 * corrected to the go1.25.3 runtime2.go (CaoYuming-git/go1.25.3 0325f0bd):
 * + g.syncSafePoint, + m.allpSnapshot.
 * funcIDs: internal/abi/symtab.go (runfinq replaced by runFinalizers,
 * runCleanups) of the same tree. CAVEAT: m.allpSnapshot (golang/go issue
 * 74414, mid-2025) is in go1.25.3; if an early 1.25.x lacks it, m.ncgocall,
 * alllink, schedlink, lockedg and m.size there are 24 lower. p.timers_len
 * and the non-runtime2.go structs (timers, gcWork, moduledata) come from
 * the 2025-05-21 tree and were not seen at a 1.25 tag. Wait reasons are
 * those of go1.25.3 runtime2.go.
 */
{
	.from = { 1, 25, 0 }, .to = { 1, 25, ANY_PATCH },
	.g = {
		.size = 440, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 96,
		.sched_lr = 88, .syscallsp = 104, .syscallpc = 112,
		.syscallbp = 120, .atomicstatus = 144, .goid = 152,
		.schedlink = 160, .waitsince = 168, .waitreason = 176,
		.lockedm = 208, .parent_goid = 272, .gopc = 280,
		.ancestors = 288, .startpc = 296, .waiting = 312,
		.labels = 344,
	},
	.m = {
		.size = 1816, .g0 = 0, .procid = 64, .gsignal = 72,
		.tls = 128, .curg = 184, .p = 200, .id = 224, .spinning = 268,
		.blocked = 269, .alllink = 344, .schedlink = 352,
		.lockedg = 360, .ncgocall = 312, .throwing = 236,
	},
	.p = {
		.size = 11696, .id = 0, .status = 4, .link = 8, .m = 48,
		.runqhead = 392, .runqtail = 396, .runq = 400,
		.runq_len = 256, .runnext = 2448, .timers_len = 11584,
	},
	.sched = {
		.goidgen = 0, .midle = 40, .nmidle = 48, .nmidlelocked = 52,
		.mnext = 56, .maxmcount = 64, .nmsys = 68, .pidle = 88,
		.npidle = 96, .nmspinning = 100, .runq_head = 112,
		.runqsize = 128, .gcwaiting = 248,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 296,
		.etypes = 304, .rodata = 312, .gofunc = 320, .typelinks = 352,
		.itablinks = 376, .modulename = 488, .next = 576,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = 36, .funcid = 40, .flag = 41,
		.nfuncdata = 43, .pcdata = 44, .funcid_wrapper = 23,
		.funcid_goexit = 8, .funcid_gopanic = 10, .funcid_mstart = 14,
		.funcid_systemstack = 21, .funcid_runtime_main = 17,
	},
	.gstatus_leaked = -1, .gstatus_deadextra = -1,
	.wait_reasons = wait_reasons_1_25,
	.n_wait_reasons = NELEM(wait_reasons_1_25),
	.tb_created_in_goroutine = 1, .tb_elide_split = 1, .tb_max_frames = 100,
	.gobuf_has_ret = 0, .kind_direct_iface_in_tflag = 0, .swiss_maps = 1,
},
/*
 * go1.26: offsets computed with go/types (gc, amd64 sizes) from go1.26.8
 * (/usr/local/go); offsets also read from DWARF.
 * funcIDs: internal/abi/symtab.go of the same tree.
 */
{
	.from = { 1, 26, 0 }, .to = { 1, 26, ANY_PATCH },
	.g = {
		.size = 456, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 96,
		.sched_lr = 88, .syscallsp = 104, .syscallpc = 112,
		.syscallbp = 120, .atomicstatus = 144, .goid = 152,
		.schedlink = 160, .waitsince = 168, .waitreason = 176,
		.lockedm = 208, .parent_goid = 280, .gopc = 288,
		.ancestors = 296, .startpc = 304, .waiting = 320,
		.labels = 352,
	},
	.m = {
		.size = 1824, .g0 = 0, .procid = 64, .gsignal = 72,
		.tls = 128, .curg = 184, .p = 208, .id = 232, .spinning = 276,
		.blocked = 277, .alllink = 352, .schedlink = 360,
		.lockedg = 384, .ncgocall = 320, .throwing = 244,
	},
	.p = {
		.size = 15920, .id = 0, .status = 4, .link = 8, .m = 48,
		.runqhead = 400, .runqtail = 404, .runq = 408,
		.runq_len = 256, .runnext = 2456, .timers_len = 13688,
	},
	.sched = {
		.goidgen = 0, .midle = 40, .nmidle = 64, .nmidlelocked = 68,
		.mnext = 72, .maxmcount = 80, .nmsys = 84, .pidle = 104,
		.npidle = 112, .nmspinning = 116, .runq_head = 128,
		.runqsize = 144, .gcwaiting = 264,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 296,
		.etypes = 304, .rodata = 312, .gofunc = 320, .typelinks = 360,
		.itablinks = 384, .modulename = 496, .next = 584,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = 36, .funcid = 40, .flag = 41,
		.nfuncdata = 43, .pcdata = 44, .funcid_wrapper = 23,
		.funcid_goexit = 8, .funcid_gopanic = 10, .funcid_mstart = 14,
		.funcid_systemstack = 21, .funcid_runtime_main = 17,
	},
	.gstatus_leaked = 10, .gstatus_deadextra = 11,
	.wait_reasons = wait_reasons_1_26,
	.n_wait_reasons = NELEM(wait_reasons_1_26),
	.tb_created_in_goroutine = 1, .tb_elide_split = 1, .tb_max_frames = 100,
	.gobuf_has_ret = 0, .kind_direct_iface_in_tflag = 1, .swiss_maps = 1,
},
/*
 * go1.27: offsets computed with go/types (gc, amd64 sizes) from go1.27.3
 * toolchain; offsets also read from DWARF.
 * funcIDs: internal/abi/symtab.go of the same tree.
 */
{
	.from = { 1, 27, 0 }, .to = { 1, 27, ANY_PATCH },
	.g = {
		.size = 456, .stack_lo = 0, .stack_hi = 8, .stackguard0 = 16,
		.m = 48, .sched_sp = 56, .sched_pc = 64, .sched_bp = 96,
		.sched_lr = 88, .syscallsp = 104, .syscallpc = 112,
		.syscallbp = 120, .atomicstatus = 144, .goid = 152,
		.schedlink = 160, .waitsince = 168, .waitreason = 176,
		.lockedm = 208, .parent_goid = 280, .gopc = 288,
		.ancestors = 296, .startpc = 304, .waiting = 320,
		.labels = 352,
	},
	.m = {
		.size = 1832, .g0 = 0, .procid = 64, .gsignal = 72,
		.tls = 128, .curg = 184, .p = 208, .id = 232, .spinning = 276,
		.blocked = 277, .alllink = 352, .schedlink = 360,
		.lockedg = 384, .ncgocall = 320, .throwing = 244,
	},
	.p = {
		.size = 15920, .id = 0, .status = 4, .link = 8, .m = 48,
		.runqhead = 400, .runqtail = 404, .runq = 408,
		.runq_len = 256, .runnext = 2456, .timers_len = 13688,
	},
	.sched = {
		.goidgen = 0, .midle = 40, .nmidle = 64, .nmidlelocked = 68,
		.mnext = 72, .maxmcount = 80, .nmsys = 84, .pidle = 104,
		.npidle = 112, .nmspinning = 116, .runq_head = 128,
		.runqsize = 144, .gcwaiting = 264,
	},
	.md = {
		.pcheader = 0, .funcnametab = 8, .cutab = 32, .filetab = 56,
		.pctab = 80, .pclntable = 104, .ftab = 128,
		.findfunctab = 152, .minpc = 160, .maxpc = 168, .text = 176,
		.etext = 184, .noptrdata = 192, .enoptrdata = 200,
		.data = 208, .edata = 216, .bss = 224, .ebss = 232,
		.noptrbss = 240, .enoptrbss = 248, .types = 296,
		.etypes = 312, .rodata = 336, .gofunc = 344, .typelinks = -1,
		.itablinks = -1, .modulename = 472, .next = 560,
	},
	.fn = {
		.entryoff = 0, .nameoff = 4, .args = 8, .deferreturn = 12,
		.pcsp = 16, .pcfile = 20, .pcln = 24, .npcdata = 28,
		.cuoffset = 32, .startline = 36, .funcid = 40, .flag = 41,
		.nfuncdata = 43, .pcdata = 44, .funcid_wrapper = 23,
		.funcid_goexit = 8, .funcid_gopanic = 10, .funcid_mstart = 14,
		.funcid_systemstack = 21, .funcid_runtime_main = 17,
	},
	.gstatus_leaked = 10, .gstatus_deadextra = 11,
	.wait_reasons = wait_reasons_1_27,
	.n_wait_reasons = NELEM(wait_reasons_1_27),
	.tb_created_in_goroutine = 1, .tb_elide_split = 1, .tb_max_frames = 100,
	.gobuf_has_ret = 0, .kind_direct_iface_in_tflag = 1, .swiss_maps = 1,
},
};

/* ------------------------------------------------------------------ */
/* Version parsing                                                    */
/* ------------------------------------------------------------------ */

static int parse_num(const char **sp, int *out)
{
	const char *s = *sp;
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > 1000000)
			return -1;
		s++;
	}
	*out = (int)v;
	*sp = s;
	return 0;
}

/*
 * Accepts "go1.26.8", "go1.20", "go1.22rc1", "go1.21beta1" and
 * "devel go1.27-abcdef Tue ..." (runtime.Version() of a development
 * toolchain); leading blanks and a "devel " prefix are skipped.  A
 * pre-release ("rc1", "beta1", "-abc") is reported as patch 0: it has the
 * layout of the release it precedes.
 */
int layout_parse_version(const char *s, struct go_version *v)
{
	struct go_version r = { 0, 0, 0 };

	if (s == NULL || v == NULL)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "devel ", 6) == 0)
		s += 6;
	while (*s == ' ')
		s++;
	if (strncmp(s, "go", 2) != 0)
		return -1;
	s += 2;
	if (parse_num(&s, &r.major) < 0 || *s != '.')
		return -1;
	s++;
	if (parse_num(&s, &r.minor) < 0)
		return -1;
	if (*s == '.') {
		s++;
		if (parse_num(&s, &r.patch) < 0)
			return -1;
	}
	/* What may follow: end, rc/beta suffix, "-hash", blank, "+..." */
	if (*s != '\0' && *s != ' ' && *s != '-' && *s != '+' &&
	    strncmp(s, "rc", 2) != 0 && strncmp(s, "beta", 4) != 0 &&
	    strncmp(s, "X:", 2) != 0)
		return -1;
	*v = r;
	return 0;
}

static int vcmp(const struct go_version *a, const struct go_version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

/*
 * The fix for golang/go issue 74414 added m.allpSnapshot ([]*p, 24
 * bytes, before m.ncgocall) and was backported to patch releases, so the
 * m layout changes inside a minor release.  Seen in real binaries: go1.23.10
 * has m.alllink at 328, go1.23.12 at 352 (esbuild 0.25.8 and 0.25.12 from
 * npm); go1.24.4 at 328 and go1.24.6 at 352 (buf 1.55.1 and 1.57.0).
 * goproc also validates the M list at attach time, so a release that
 * differs again is refused, not printed.
 */
static const struct go_version snapshot_backport[] = {
	{ 1, 23, 12 }, { 1, 24, 6 },
};

static struct layout with_allp_snapshot[NELEM(snapshot_backport)];

static const struct layout *backported(const struct layout *base,
				       const struct go_version *v)
{
	for (int i = 0; i < NELEM(snapshot_backport); i++) {
		const struct go_version *b = &snapshot_backport[i];
		struct layout *l = &with_allp_snapshot[i];

		if (v->major != b->major || v->minor != b->minor ||
		    v->patch < b->patch)
			continue;
		if (!l->m.size) {
			*l = *base;
			l->m.size += 24;
			l->m.ncgocall += 24;
			l->m.alllink += 24;
			l->m.schedlink += 24;
			l->m.lockedg += 24;
		}
		return l;
	}
	return base;
}

const struct layout *layout_for_version(const struct go_version *v)
{
	int i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < NELEM(layouts); i++)
		if (vcmp(v, &layouts[i].from) >= 0 &&
		    vcmp(v, &layouts[i].to) <= 0)
			return backported(&layouts[i], v);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* DWARF check                                                        */
/* ------------------------------------------------------------------ */

enum { T_G, T_M, T_P, T_SCHED, T_MD, T_FUNC, T_NTYPES };

static const char *const type_names[T_NTYPES] = {
	"runtime.g", "runtime.m", "runtime.p", "runtime.schedt",
	"runtime.moduledata", "runtime._func",
};

/*
 * One checked field: the struct it is in, where it lives in struct layout,
 * and its member path in DWARF.  "a.b" walks into member a's type; "x|y"
 * lists alternative spellings (fields renamed between releases).  The
 * path "#size" means DW_AT_byte_size of the struct itself.  Slices are
 * structs with members array/len/cap in Go's DWARF, so "timers.len" is the
 * len word of the []*timer slice (1.19-1.22) and "timers.heap.len" the one
 * of the timers struct's heap slice (1.23+).
 */
struct fdesc {
	int type;
	size_t off;             /* offsetof(struct layout, ...) */
	const char *path;
	const char *label;      /* for messages */
};

#define F(t, fld, path) { t, offsetof(struct layout, fld), path, #fld }

static const struct fdesc fdescs[] = {
	F(T_G, g.size, "#size"),
	F(T_G, g.stack_lo, "stack.lo"),
	F(T_G, g.stack_hi, "stack.hi"),
	F(T_G, g.stackguard0, "stackguard0"),
	F(T_G, g.m, "m"),
	F(T_G, g.sched_sp, "sched.sp"),
	F(T_G, g.sched_pc, "sched.pc"),
	F(T_G, g.sched_bp, "sched.bp"),
	F(T_G, g.sched_lr, "sched.lr"),
	F(T_G, g.syscallsp, "syscallsp"),
	F(T_G, g.syscallpc, "syscallpc"),
	F(T_G, g.syscallbp, "syscallbp"),
	F(T_G, g.atomicstatus, "atomicstatus"),
	F(T_G, g.goid, "goid"),
	F(T_G, g.schedlink, "schedlink"),
	F(T_G, g.waitsince, "waitsince"),
	F(T_G, g.waitreason, "waitreason"),
	F(T_G, g.lockedm, "lockedm"),
	F(T_G, g.parent_goid, "parentGoid"),
	F(T_G, g.gopc, "gopc"),
	F(T_G, g.ancestors, "ancestors"),
	F(T_G, g.startpc, "startpc"),
	F(T_G, g.waiting, "waiting"),
	F(T_G, g.labels, "labels"),

	F(T_M, m.size, "#size"),
	F(T_M, m.g0, "g0"),
	F(T_M, m.procid, "procid"),
	F(T_M, m.gsignal, "gsignal"),
	F(T_M, m.tls, "tls"),
	F(T_M, m.curg, "curg"),
	F(T_M, m.p, "p"),
	F(T_M, m.id, "id"),
	F(T_M, m.spinning, "spinning"),
	F(T_M, m.blocked, "blocked"),
	F(T_M, m.alllink, "alllink"),
	F(T_M, m.schedlink, "schedlink"),
	F(T_M, m.lockedg, "lockedg"),
	F(T_M, m.ncgocall, "ncgocall"),
	F(T_M, m.throwing, "throwing"),

	F(T_P, p.size, "#size"),
	F(T_P, p.id, "id"),
	F(T_P, p.status, "status"),
	F(T_P, p.link, "link"),
	F(T_P, p.m, "m"),
	F(T_P, p.runqhead, "runqhead"),
	F(T_P, p.runqtail, "runqtail"),
	F(T_P, p.runq, "runq"),
	F(T_P, p.runnext, "runnext"),
	F(T_P, p.timers_len, "timers.heap.len|timers.len"),

	F(T_SCHED, sched.goidgen, "goidgen"),
	F(T_SCHED, sched.midle, "midle"),
	F(T_SCHED, sched.nmidle, "nmidle"),
	F(T_SCHED, sched.nmidlelocked, "nmidlelocked"),
	F(T_SCHED, sched.mnext, "mnext"),
	F(T_SCHED, sched.maxmcount, "maxmcount"),
	F(T_SCHED, sched.nmsys, "nmsys"),
	F(T_SCHED, sched.pidle, "pidle"),
	F(T_SCHED, sched.npidle, "npidle"),
	F(T_SCHED, sched.nmspinning, "nmspinning"),
	F(T_SCHED, sched.runq_head, "runq.head"),
	F(T_SCHED, sched.runqsize, "runqsize|runq.size"),
	F(T_SCHED, sched.gcwaiting, "gcwaiting"),

	F(T_MD, md.pcheader, "pcHeader"),
	F(T_MD, md.funcnametab, "funcnametab"),
	F(T_MD, md.cutab, "cutab"),
	F(T_MD, md.filetab, "filetab"),
	F(T_MD, md.pctab, "pctab"),
	F(T_MD, md.pclntable, "pclntable"),
	F(T_MD, md.ftab, "ftab"),
	F(T_MD, md.findfunctab, "findfunctab"),
	F(T_MD, md.minpc, "minpc"),
	F(T_MD, md.maxpc, "maxpc"),
	F(T_MD, md.text, "text"),
	F(T_MD, md.etext, "etext"),
	F(T_MD, md.noptrdata, "noptrdata"),
	F(T_MD, md.enoptrdata, "enoptrdata"),
	F(T_MD, md.data, "data"),
	F(T_MD, md.edata, "edata"),
	F(T_MD, md.bss, "bss"),
	F(T_MD, md.ebss, "ebss"),
	F(T_MD, md.noptrbss, "noptrbss"),
	F(T_MD, md.enoptrbss, "enoptrbss"),
	F(T_MD, md.types, "types"),
	F(T_MD, md.etypes, "etypes"),
	F(T_MD, md.rodata, "rodata"),
	F(T_MD, md.gofunc, "gofunc"),
	F(T_MD, md.typelinks, "typelinks"),
	F(T_MD, md.itablinks, "itablinks"),
	F(T_MD, md.modulename, "modulename"),
	F(T_MD, md.next, "next"),

	F(T_FUNC, fn.entryoff, "entryOff|entryoff"),
	F(T_FUNC, fn.nameoff, "nameOff|nameoff"),
	F(T_FUNC, fn.args, "args"),
	F(T_FUNC, fn.deferreturn, "deferreturn"),
	F(T_FUNC, fn.pcsp, "pcsp"),
	F(T_FUNC, fn.pcfile, "pcfile"),
	F(T_FUNC, fn.pcln, "pcln"),
	F(T_FUNC, fn.npcdata, "npcdata"),
	F(T_FUNC, fn.cuoffset, "cuOffset"),
	F(T_FUNC, fn.startline, "startLine"),
	F(T_FUNC, fn.funcid, "funcID"),
	F(T_FUNC, fn.flag, "flag"),
	F(T_FUNC, fn.nfuncdata, "nfuncdata"),
	/* pcdata[] starts right after the fixed part of _func. */
	F(T_FUNC, fn.pcdata, "#size"),
};

#undef F

static int *field_ptr(struct layout *l, size_t off)
{
	return (int *)((char *)l + off);
}

static int field_get(const struct layout *l, size_t off)
{
	return *(const int *)((const char *)l + off);
}

/* Follow DW_AT_type through typedefs to the underlying type DIE. */
static int die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	int i;

	if (dwarf_attr_integrate(die, DW_AT_type, &a) == NULL ||
	    dwarf_formref_die(&a, out) == NULL)
		return -1;
	for (i = 0; i < 16; i++) {
		int tag = dwarf_tag(out);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type)
			return 0;
		if (dwarf_attr_integrate(out, DW_AT_type, &a) == NULL ||
		    dwarf_formref_die(&a, out) == NULL)
			return -1;
	}
	return -1;
}

/* Offset of member name[0..len) of struct st, and its DIE in *mem. */
static int member_off(Dwarf_Die *st, const char *name, size_t len,
		      Dwarf_Die *mem)
{
	Dwarf_Die c;

	if (dwarf_child(st, &c) != 0)
		return -1;
	do {
		const char *n;
		Dwarf_Attribute a;
		Dwarf_Word w;

		if (dwarf_tag(&c) != DW_TAG_member)
			continue;
		n = dwarf_diename(&c);
		if (n == NULL || strlen(n) != len || memcmp(n, name, len) != 0)
			continue;
		if (dwarf_attr(&c, DW_AT_data_member_location, &a) == NULL ||
		    dwarf_formudata(&a, &w) != 0)
			return -1;
		*mem = c;
		return (int)w;
	} while (dwarf_siblingof(&c, &c) == 0);
	return -1;
}

/* One alternative path "a.b.c" (length len) inside struct st. */
static int path_off1(Dwarf_Die *st, const char *p, size_t len)
{
	Dwarf_Die cur = *st, mem, ty;
	int total = 0;

	if (len == 5 && memcmp(p, "#size", 5) == 0) {
		Dwarf_Word sz;
		Dwarf_Attribute a;

		if (dwarf_attr(st, DW_AT_byte_size, &a) == NULL ||
		    dwarf_formudata(&a, &sz) != 0)
			return -1;
		return (int)sz;
	}
	while (len > 0) {
		const char *dot = memchr(p, '.', len);
		size_t n = dot ? (size_t)(dot - p) : len;
		int o = member_off(&cur, p, n, &mem);

		if (o < 0)
			return -1;
		total += o;
		if (dot == NULL)
			break;
		if (die_type(&mem, &ty) != 0 ||
		    dwarf_tag(&ty) != DW_TAG_structure_type)
			return -1;
		cur = ty;
		len -= n + 1;
		p = dot + 1;
	}
	return total;
}

/* Resolve "x|y" alternatives: first one that exists wins; -1 if none. */
static int path_off(Dwarf_Die *st, const char *path)
{
	while (*path) {
		const char *bar = strchr(path, '|');
		size_t n = bar ? (size_t)(bar - path) : strlen(path);
		int o = path_off1(st, path, n);

		if (o >= 0)
			return o;
		if (bar == NULL)
			break;
		path = bar + 1;
	}
	return -1;
}

/*
 * Find the struct types in the compile units named "runtime".  Go's linker
 * puts the runtime's type DIEs at the top level of a "runtime" CU (there
 * can be two CUs of that name: the code one and a types one), so only the
 * children of those CU DIEs are scanned, never the whole tree.
 * Returns how many of the wanted types were found.
 */
static int find_types(Dwarf *dw, Dwarf_Die types[T_NTYPES], int have[])
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	int found = 0, i;

	for (i = 0; i < T_NTYPES; i++)
		have[i] = 0;
	while (found < T_NTYPES &&
	       dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, c;
		const char *n;

		if (dwarf_offdie(dw, off + hsize, &cu) == NULL)
			goto skip;
		n = dwarf_diename(&cu);
		if (n == NULL || strcmp(n, "runtime") != 0)
			goto skip;
		if (dwarf_child(&cu, &c) != 0)
			goto skip;
		do {
			const char *tn;

			if (dwarf_tag(&c) != DW_TAG_structure_type)
				continue;
			tn = dwarf_diename(&c);
			if (tn == NULL || strncmp(tn, "runtime.", 8) != 0)
				continue;
			for (i = 0; i < T_NTYPES; i++) {
				if (!have[i] && strcmp(tn, type_names[i]) == 0) {
					types[i] = c;
					have[i] = 1;
					found++;
				}
			}
		} while (found < T_NTYPES && dwarf_siblingof(&c, &c) == 0);
skip:
		off = next;
	}
	return found;
}

int layout_check_dwarf(const struct layout *l, struct Dwarf *dw,
		       char *msg, int msglen)
{
	Dwarf_Die types[T_NTYPES];
	int have[T_NTYPES];
	int bad = 0;
	size_t i;

	if (msg != NULL && msglen > 0)
		msg[0] = '\0';
	if (l == NULL || dw == NULL)
		return -1;
	/* g, m, p and schedt are required; the others are checked if found */
	find_types(dw, types, have);
	if (!have[T_G] || !have[T_M] || !have[T_P] || !have[T_SCHED]) {
		if (msg != NULL && msglen > 0)
			snprintf(msg, msglen, "runtime.g/m/p/schedt not in DWARF");
		return -1;
	}
	for (i = 0; i < sizeof(fdescs) / sizeof(fdescs[0]); i++) {
		const struct fdesc *f = &fdescs[i];
		int want = field_get(l, f->off), got;

		if (!have[f->type])
			continue;
		/* -1 in the table must also mean "absent" in DWARF */
		got = path_off(&types[f->type], f->path);
		if (got == want || (want < 0 && got < 0))
			continue;
		if (bad == 0 && msg != NULL && msglen > 0)
			snprintf(msg, msglen, "%s.%s: table %d, DWARF %d",
				 type_names[f->type], f->path, want, got);
		bad++;
	}
	return bad;
}

struct layout *layout_from_dwarf(const struct layout *base, struct Dwarf *dw)
{
	Dwarf_Die types[T_NTYPES];
	int have[T_NTYPES];
	struct layout *l;
	size_t i;

	if (base == NULL || dw == NULL)
		return NULL;
	find_types(dw, types, have);
	if (!have[T_G] || !have[T_M] || !have[T_P] || !have[T_SCHED])
		return NULL;
	l = malloc(sizeof(*l));
	if (l == NULL)
		return NULL;
	*l = *base;
	for (i = 0; i < sizeof(fdescs) / sizeof(fdescs[0]); i++) {
		const struct fdesc *f = &fdescs[i];

		/* A type missing from DWARF keeps the base table's values;
		 * a member missing from a present type does not exist. */
		if (!have[f->type])
			continue;
		*field_ptr(l, f->off) = path_off(&types[f->type], f->path);
	}
	return l;
}
