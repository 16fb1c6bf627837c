#!/usr/bin/env python3
"""Write the seed corpus of the fuzz harnesses into fuzz/corpus/.

The seeds are small, well-formed inputs that reach deep into each parser,
so that the fuzzers start from there instead of from random bytes:

  pclntab/    synthetic .gopclntab sections in the Go 1.18 and Go 1.20+
              formats: 8 functions with names, files, lines, frame sizes,
              an inline tree, argument programs and liveness bits
  unwind/     the same table plus goroutine stacks that unwind through
              several frames (a plain chain, a sigpanic and an asyncPreempt
              frame, a stack started from a system call or registers, a pc
              read from the stack, a deep recursion that is elided)
  buildinfo/  .go.buildinfo sections: the Go 1.18+ inline format with module
              info and build settings, and the pre-1.18 pointer format
  json/       strings with quotes, controls, valid and broken UTF-8
  elf/        small ELF executables holding the pclntab, build info and a
              symbol table above

Run it from anywhere: python3 fuzz/mkseeds.py.  Re-running rewrites the
seed-*.bin files it makes; regression inputs (other names) are left alone.
With --buildinfo BINARY... it also copies the .go.buildinfo sections of
real Go binaries in as seeds.
"""
import argparse
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

TEXT = 0x401000          # textStart in the header
PCLN_ADDR = 0x500000     # fuzz/fuzzimg.h FUZZ_PCLN_ADDR (gofunc)
FSIZE = 0x100            # every function is 0x100 bytes long
TOPFRAME, SPWRITE = 1, 2
# funcIDs the unwind harness gives the special functions (set_funcids).
SIGPANIC, ASYNCPREEMPT = 30, 31

# name, frame size, funcID, flag, first line
FUNCS = [
    ("main.main", 0x28, 0, 0, 10),
    ("main.worker", 0x18, 0, 0, 20),
    ("runtime.goexit", 0, 0, TOPFRAME, 30),
    ("runtime.gopark", 0x20, 0, 0, 40),
    ("runtime.sigpanic", 0x10, SIGPANIC, 0, 50),
    ("main.G[go.shape.int]", 0x10, 0, 0, 60),
    ("runtime.morestack", 0, 0, SPWRITE, 70),
    ("runtime.asyncPreempt", 0x40, ASYNCPREEMPT, 0, 80),
]
WORKER, MAIN, GOEXIT, SIGP, GENERIC, ASYNC = 1, 0, 2, 4, 5, 7


def uvarint(u):
    out = bytearray()
    while True:
        b = u & 0x7F
        u >>= 7
        if u:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(v):
    return (v << 1) if v >= 0 else ((-v) << 1) - 1


def pcvalue(runs):
    """runs: [(value, length)], consecutive values all different."""
    out, prev = bytearray(), -1
    for val, n in runs:
        out += uvarint(zigzag(val - prev)) + uvarint(n)
        prev = val
    return bytes(out + b"\0")


def pclntab(go118=False):
    """A .gopclntab section (Go 1.20+ format, or 1.18 with go118)."""
    names = bytearray(b"\0")
    name_off = []
    for f in FUNCS + [("main.helper", 0, 0, 0, 0)]:
        name_off.append(len(names))
        names += f[0].encode() + b"\0"
    files = bytearray(b"\0")
    file_off = []
    for fn in ("/src/main.go", "/go/src/runtime/proc.go"):
        file_off.append(len(files))
        files += fn.encode() + b"\0"
    cutab = struct.pack("<2I", *file_off)

    pctab = bytearray(b"\0")

    def add(blob):
        off = len(pctab)
        pctab.extend(blob)
        return off

    recs = []
    for i, (name, frame, fid, flag, line) in enumerate(FUNCS):
        pcsp = add(pcvalue([(0, 4), (frame, FSIZE - 4)] if frame else [(0, FSIZE)]))
        pcfile = add(pcvalue([(0 if name.startswith("main") else 1, FSIZE)]))
        pcln = add(pcvalue([(line, 0x40), (line + 1, 0x40), (line + 2, 0x80)]))
        pcdata = []
        if i == WORKER:
            # inline tree index: -1, then 0 (main.helper inlined), then -1
            pcdata = [0, 0, add(pcvalue([(-1, 0x40), (0, 0x20), (-1, 0xA0)])),
                      add(pcvalue([(0, 0x10), (1, 0xF0)]))]
        elif i == MAIN:
            pcdata = [0, 0, 0, add(pcvalue([(0, 0x10), (1, 0xF0)]))]
        recs.append((i, name_off[i], fid, flag, pcsp, pcfile, pcln, pcdata, line))

    # The "gofunc" area lives after the _func records, in the same section;
    # its offsets are filled in once the records' size is known.
    fsize = 40 if go118 else 44
    nfunc = len(FUNCS)
    ftab_len = (nfunc + 1) * 8
    rec_offs, off = [], ftab_len
    for r in recs:
        nfd = 7
        rec_offs.append(off)
        off += fsize + 4 * (len(r[7]) + nfd)
    gofunc_start = off

    hdr_len = 72
    funcname_off = hdr_len
    cu_off = funcname_off + len(names)
    filetab_off = cu_off + len(cutab)
    pctab_off = filetab_off + len(files)
    pcln_off = pctab_off + len(pctab)
    section_gofunc = pcln_off + gofunc_start   # from the section start

    gofunc = bytearray()

    def fd(blob):
        o = section_gofunc + len(gofunc)
        gofunc.extend(blob)
        return o

    if go118:   # parent i16, funcID u8, pad, file, line, nameoff, parentPc
        inl = fd(struct.pack("<hBxiiii", -1, 0, 0, 25, name_off[-1], 0x38))
    else:       # funcID u8, pad[3], nameoff, parentPc, startLine
        inl = fd(struct.pack("<B3xiii", 0, name_off[-1], 0x38, 25))
    arginfo = fd(bytes([0x00, 8, 0x08, 8, 0xFE, 0x10, 4, 0x14, 2, 0xFD, 0x18, 1, 0xFF]))
    arginfo2 = fd(bytes([0x00, 8, 0xFC, 0xFF]))
    argsmall = fd(bytes([0x00, 1, 0x08, 0, 0xFB, 0xFF]))
    livei = fd(bytes([0x08, 0x00, 0x01, 0x02, 0x03]))

    body = bytearray()
    for (i, noff, fid, flag, pcsp, pcfile, pcln, pcdata, line), roff in zip(recs, rec_offs):
        funcdata = [0xFFFFFFFF] * 7
        if i == WORKER:
            funcdata[3] = inl
            funcdata[5] = arginfo2
        if i == MAIN:
            funcdata[5] = arginfo
            funcdata[6] = livei
        if i == GENERIC:
            funcdata[5] = argsmall
        rec = struct.pack("<IiiIIIIII", i * FSIZE, noff, 16, 0, pcsp, pcfile,
                          pcln, len(pcdata), 0)
        if not go118:
            rec += struct.pack("<i", line)
        rec += struct.pack("<BBxB", fid, flag, len(funcdata))
        rec += struct.pack("<%dI" % len(pcdata), *pcdata)
        rec += struct.pack("<%dI" % len(funcdata), *funcdata)
        assert len(body) + ftab_len == roff
        body += rec
    ftab = bytearray()
    for i in range(nfunc):
        ftab += struct.pack("<II", i * FSIZE, rec_offs[i])
    ftab += struct.pack("<II", nfunc * FSIZE, 0)
    proper = bytes(ftab) + bytes(body) + bytes(gofunc)

    magic = 0xFFFFFFF0 if go118 else 0xFFFFFFF1
    pad1 = 0 if go118 else 6   # the pclntab harness reads the release here
    hdr = struct.pack("<IBBBBqQQQQQQQ", magic, pad1, 0, 1, 8, nfunc, 2, TEXT,
                      funcname_off, cu_off, filetab_off, pctab_off, pcln_off)
    assert len(hdr) == 72
    return hdr + bytes(names) + cutab + bytes(files) + bytes(pctab) + proper


def pc(i, off):
    return TEXT + i * FSIZE + off


def frame_chain(base, frames):
    """Stack bytes from base for frames [(func, pc_offset)], innermost first,
    each frame holding its callee's return address in its top word."""
    mem = bytearray()
    for k, (i, _) in enumerate(frames):
        size = FUNCS[i][1]
        nxt = frames[k + 1] if k + 1 < len(frames) else None
        mem += bytes(size)
        mem += struct.pack("<Q", pc(nxt[0], nxt[1]) if nxt else 0)
    return bytes(mem) + bytes(64)


def unwind_seed(tab, minor, frames, start=0, system=False, status=4,
                pc0=None, extra=b""):
    base = 0xC000100000
    stack = extra + frame_chain(base + len(extra), frames)
    sp = base
    first_pc = pc(frames[0][0], frames[0][1]) if pc0 is None else pc0
    hi = base + len(stack)
    flags = (start & 3) | (4 if system else 0) | (status << 3)
    g = struct.pack("<7Q", first_pc, sp, base - 0x1000, hi, pc(MAIN, 0x31), 7, base)
    return bytes([minor - 19, flags]) + struct.pack("<H", len(tab)) + tab + g + stack


def unwind_seeds():
    seeds = {}
    for go118, minor in ((False, 26), (False, 21), (True, 19)):
        tab = pclntab(go118)
        tag = "go1.%d" % minor
        chain = [(WORKER, 0x51), (MAIN, 0x81), (GOEXIT, 1)]
        seeds["seed-chain-%s.bin" % tag] = unwind_seed(tab, minor, chain)
        seeds["seed-system-%s.bin" % tag] = unwind_seed(tab, minor, chain, system=True)
        seeds["seed-syscall-%s.bin" % tag] = unwind_seed(
            tab, minor, [(SIGP, 0x20), (WORKER, 0x51), (MAIN, 0x81), (GOEXIT, 1)], start=1)
        seeds["seed-regs-%s.bin" % tag] = unwind_seed(
            tab, minor, [(ASYNC, 0x10), (GENERIC, 0x22), (MAIN, 0x81), (GOEXIT, 1)],
            start=2, status=2)
        # pc 0: the walk takes the pc from the word at sp (runtime's rule)
        seeds["seed-pc0-%s.bin" % tag] = unwind_seed(
            tab, minor, chain, pc0=0, extra=struct.pack("<Q", pc(WORKER, 0x51)))
        deep = [(GENERIC, 0x30)] * 130 + [(MAIN, 0x81), (GOEXIT, 1)]
        seeds["seed-deep-%s.bin" % tag] = unwind_seed(tab, minor, deep)
    return seeds


def buildinfo(version, modinfo, flags=2):
    hdr = b"\xff Go buildinf:" + bytes([8, flags]) + bytes(16)
    sent = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6"
    mi = sent + modinfo.encode() + sent if modinfo else b""
    return hdr + uvarint(len(version)) + version.encode() + uvarint(len(mi)) + mi + bytes(8)


def buildinfo_seeds():
    mod = ("path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
           "dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n"
           "build\t-buildmode=exe\nbuild\t-compiler=gc\nbuild\t-trimpath=true\n"
           "build\tCGO_ENABLED=1\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\n"
           "build\tGOAMD64=v1\nbuild\t-ldflags=\"-s -w\"\n")
    return {
        "seed-go1.26.bin": buildinfo("go1.26.8", mod),
        "seed-go1.19.bin": buildinfo("go1.19.8", mod),
        "seed-devel.bin": buildinfo("devel go1.27-abcdef Tue Jan 1 00:00:00 2026 +0000", mod),
        "seed-rc.bin": buildinfo("go1.22rc1", ""),
        "seed-old-format.bin": b"\xff Go buildinf:" + bytes([8, 0]) +
                               struct.pack("<QQ", 0x4d0000, 0x4d0010) + bytes(16),
        "seed-version.bin": b"go1.21.13",
    }


def json_seeds():
    return {
        "seed-ascii.bin": b"main.(*T).Method",
        "seed-escapes.bin": b'quote " backslash \\ tab \t nl \n nul \x00 del \x7f',
        "seed-utf8.bin": "h\u00e9llo \u4e16\u754c \U0001F600".encode(),
        "seed-broken-utf8.bin": b"\xc3\x28 \xe2\x82 \xf0\x9f\x98 \xed\xa0\x80 \xc0\xaf \xff",
        "seed-writer.bin": bytes([0xB5]) + bytes([0, 4, 2, 5, 6, 3, 4, 7, 1] * 8),
    }


def elf(sections, symbols, machine=62, etype=2):
    """A minimal ELF64 executable: sections [(name, addr, data, type)],
    symbols [(name, value, size)] in a .symtab, one PT_LOAD."""
    shstr = bytearray(b"\0")
    strtab = bytearray(b"\0")
    symtab = bytearray(bytes(24))
    for name, value, size in symbols:
        symtab += struct.pack("<IBBHQQ", len(strtab), 0x11, 0, 1, value, size)
        strtab += name.encode() + b"\0"
    secs = list(sections) + [(".symtab", 0, bytes(symtab), 2),
                             (".strtab", 0, bytes(strtab), 3)]
    body = bytearray()
    ehsize, phsize = 64, 56
    base = ehsize + phsize
    placed = []
    for name, addr, data, typ in secs:
        off = base + len(body)
        body += data
        while len(body) % 8:
            body += b"\0"
        placed.append((len(shstr), addr, off, len(data), typ, name))
        shstr += name.encode() + b"\0"
    shstr_name = len(shstr)
    shstr += b".shstrtab\0"
    shstr_off = base + len(body)
    body += shstr
    while len(body) % 8:
        body += b"\0"
    shoff = base + len(body)
    nsec = len(placed) + 2
    symtab_index = 1 + [p[5] for p in placed].index(".symtab")
    strtab_index = symtab_index + 1
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    eh += struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, 0x401000, ehsize,
                      shoff, 0, ehsize, phsize, 1, 64, nsec, nsec - 1)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000,
                     base + len(body), base + len(body), 0x1000)
    sh = bytes(64)
    for name_off, addr, off, size, typ, name in placed:
        link = strtab_index if name == ".symtab" else 0
        ent = 24 if name == ".symtab" else 0
        sh += struct.pack("<IIQQQQIIQQ", name_off, typ, 2, addr, off, size,
                          link, 1 if name == ".symtab" else 0, 8, ent)
    sh += struct.pack("<IIQQQQIIQQ", shstr_name, 3, 0, 0, shstr_off,
                      len(shstr), 0, 0, 1, 0)
    return eh + ph + bytes(body) + sh


def elf_seeds():
    mod = "path\tx\nmod\tx\t(devel)\t\nbuild\tGOOS=linux\n"
    secs = [(".text", 0x401000, bytes(0x40), 1),
            (".gopclntab", 0x500000, pclntab(False), 1),
            (".go.buildinfo", 0x600000, buildinfo("go1.26.8", mod), 1),
            (".noptrdata", 0x610000, struct.pack("<Q", 0x500000) + bytes(56), 1)]
    syms = [("runtime.firstmoduledata", 0x610000, 64),
            ("runtime.buildVersion", 0x610040, 16), ("main.main", 0x401000, 0x100)]
    return {
        "seed-exec.bin": elf(secs, syms),
        "seed-pie.bin": elf(secs, syms, etype=3),
        "seed-go118.bin": elf([(".data.rel.ro.gopclntab", 0x500000, pclntab(True), 1)]
                              + secs[2:], syms[:1]),
        "seed-arm64.bin": elf(secs[:2], [], machine=183),
    }


# ---- values, type descriptors and expressions (fuzzproc.h) ----
#
# The harnesses serve their memory at MEM_BASE; pointers in these seeds
# point back into it, and descriptor name offsets are from its start.
MEM_BASE = 0xc000000000
VALUE_TYPES = [
    "string", "[]uint8", "[]string", "[]int", "[4]int", "[2]string",
    "main.Point", "main.Config", "*main.Point", "*main.Node", "main.Node",
    "interface {}", "error", "map[string]int", "map[int]string",
    "map[int]int", "map[main.BigKey]main.BigVal", "map[float64]string",
    "map[string][]main.Point", "map[string]interface {}",
    "map[string]struct {}", "net/http.Header", "func(string) string",
    "chan int", "chan string", "chan bool", "unsafe.Pointer",
]


def q(*words):
    return b"".join(struct.pack("<Q", w & (2**64 - 1)) for w in words)


def goname(s, flags=1):
    return bytes([flags]) + uvarint(len(s)) + s.encode()


def rtype(size, kind, name_off, ptrdata=0, align=8, tflag=0):
    """An abi.Type (48 bytes)."""
    return (struct.pack("<QQIBBBB", size, ptrdata, 0x1234567, tflag, align,
                        align, kind) + q(0, 0) + struct.pack("<ii", name_off, 0))


def pad(b, n):
    return b + bytes(n - len(b)) if len(b) < n else b


def mem_string():
    return q(MEM_BASE + 16, 11) + b"hello world" + bytes(5)


def mem_strings():
    return q(MEM_BASE + 24, 2, 2, MEM_BASE + 56, 3, MEM_BASE + 59, 2) + b"abcde"


def mem_eface_int():
    # interface{} holding a pointer to an int; the descriptor follows.
    t = rtype(8, 2, 100)
    return pad(q(MEM_BASE + 32, MEM_BASE + 24, 42, 0) + t, 100) + goname("*int")


def mem_swiss_small():
    # maps.Map: used, seed, dirPtr (the one group), dirLen 0, depth, shift,
    # writing; the group: ctrl word, then slots of string key + int elem.
    hdr = q(2, 0x99, MEM_BASE + 64, 0, 0, 0, 0, 0)
    ctrl = bytes([0x11, 0x22] + [0x80] * 6)
    slots = (q(MEM_BASE + 300, 1, 7) + q(MEM_BASE + 301, 2, 8) +
             bytes(24 * 6))
    return pad(hdr + ctrl + slots, 300) + b"xyz"


def mem_buckets():
    # hmap: count, flags/B/noverflow/hash0, buckets, oldbuckets, nevacuate,
    # extra; one bucket of map[int]int: tophash, keys, elems, overflow.
    hdr = q(2, 0, MEM_BASE + 48, 0, 0, 0)
    tophash = bytes([7, 9, 0, 0, 0, 0, 0, 0])
    return hdr + tophash + q(1, 2, 0, 0, 0, 0, 0, 0) + q(10, 20) + bytes(48) + q(0)


def mem_chan():
    # hchan: qcount, dataqsiz, buf, elemsize/closed, elemtype, sendx,
    # recvx, recvq, sendq, lock; then the buffer.
    return q(2, 4, MEM_BASE + 96, 8, 0, 2, 0, 0, 0, 0, 0, 0) + q(5, 6, 0, 0)


def value_seeds():
    idx = {t: i for i, t in enumerate(VALUE_TYPES)}
    seeds = {}
    def add(name, t, mem, old=False, opt=0x3a):
        seeds["seed-%s.bin" % name] = bytes([idx[t] | (0x80 if old else 0), opt]) + mem
    add("string", "string", mem_string())
    add("bytes", "[]uint8", q(MEM_BASE + 24, 4, 8) + b"\x00\x01\xff\xfe")
    add("strings", "[]string", mem_strings())
    add("point", "main.Point", q(1, 2))
    add("config", "main.Config", q(7, MEM_BASE + 200, 1, 1) + q(MEM_BASE + 220, 4) +
        bytes(200 - 48) + q(MEM_BASE + 240, 3) + bytes(4) + b"cfgname!tag")
    add("node", "*main.Node", q(MEM_BASE + 8, 1, MEM_BASE + 8))
    add("eface", "interface {}", mem_eface_int())
    add("swiss", "map[string]int", q(MEM_BASE + 8) + mem_swiss_small())
    add("buckets", "map[int]int", q(MEM_BASE + 8) + mem_buckets(), old=True)
    add("buckets-str", "map[string]int", q(MEM_BASE + 8) + mem_buckets(), old=True)
    add("chan", "chan int", q(MEM_BASE + 8) + mem_chan())
    add("chan-old", "chan string", q(MEM_BASE + 8) + mem_chan(), old=True)
    add("func", "func(string) string", q(MEM_BASE + 8, 0x401000))
    return seeds


def rtype_seeds():
    seeds = {}
    def add(name, minor, mem, off=0, opt=0x3a):
        seeds["seed-%s.bin" % name] = bytes([(minor - 19) % 9, off & 255, off >> 8, opt]) + mem
    # struct { X int; Name string } named main.T: abi.StructType is the
    # Type, pkgPath, fields slice; each field a name, a type, an offset.
    st = rtype(24, 25, 400, ptrdata=16)
    fields = q(MEM_BASE + 410, MEM_BASE + 200, 0, MEM_BASE + 415, MEM_BASE + 250, 8)
    struct_t = st + q(0, MEM_BASE + 72, 2, 2) + fields
    mem = pad(struct_t, 200) + rtype(8, 2, 420) + bytes(2) + rtype(16, 24, 425, 8)
    mem = pad(mem, 400) + goname("main.T") + goname("X") + goname("Name") + \
        goname("*int") + goname("*string")
    for minor in (19, 22, 24, 26, 27):
        add("struct-1.%d" % minor, minor, mem)
    # []int, [3]int, *int, map[int]int (bucket and swiss descriptors).
    elem = rtype(8, 2, 300)
    add("slice", 26, pad(rtype(24, 23, 310, 8) + q(MEM_BASE + 100), 100) + elem +
        pad(b"", 300 - 148) + goname("*int") + bytes(4) + goname("[]int"))
    add("array", 22, pad(rtype(24, 17, 310) + q(MEM_BASE + 100, 0, 3), 100) + elem +
        pad(b"", 300 - 148) + goname("*int") + bytes(4) + goname("[3]int"))
    add("ptr", 19, pad(rtype(8, 22, 310, 8) + q(MEM_BASE + 100), 100) + elem +
        pad(b"", 300 - 148) + goname("*int") + bytes(4) + goname("**int"))
    mt = rtype(8, 21, 310, 8) + q(MEM_BASE + 150, MEM_BASE + 150, MEM_BASE + 200, 0)
    add("map-old", 19, pad(mt + struct.pack("<BBHI", 8, 8, 144, 0), 150) + elem +
        pad(b"", 300 - 198) + goname("*int") + bytes(4) + goname("map[int]int"))
    add("map-swiss", 26, pad(mt + q(136, 16, 8) + struct.pack("<I", 0), 150) + elem +
        pad(b"", 300 - 198) + goname("*int") + bytes(4) + goname("map[int]int"))
    add("iface", 26, pad(rtype(16, 20, 310, 16) + q(0, MEM_BASE + 150, 1, 1), 150) +
        q(300 + 18, 0) + pad(b"", 300 - 166) + goname("*error") + bytes(2) +
        goname("Error") + goname("func() string"))
    return seeds


def expr_seeds():
    seeds = {}
    exprs = {
        "global": ("main.gCfg", q(1, 2, 3)),
        "field": ("main.gCfg.Base.Tags[1]", mem_strings()),
        "index": ("main.gStrs[0]", mem_strings()),
        "mapkey": ('main.gMap1["only"]', q(MEM_BASE + 8) + mem_swiss_small()),
        "mapkey-old": ("main.gMapBig[2]", q(MEM_BASE + 8) + mem_buckets() + b"\x01"),
        "cast": ("*(*main.Point)(0xc000000008)", q(0, 5, 6)),
        "castmap": ("(map[string]int)(0xc000000000)", mem_swiss_small()),
        "chan": ("(chan int)(0xc000000000)", mem_chan()),
        "deref": ("*main.gPtr", q(MEM_BASE + 8, 7, 8)),
        "paren": ("(*main.gNode.Next).Val", q(MEM_BASE + 8, 1, 0)),
        "iface": ("main.gAny", mem_eface_int()),
        "type": ("map[string][]*main.Point", b""),
        "types": ("[4]chan<- interface {}", b""),
        "bool": ("main.gMapAny[true]", q(0)),
        "http": ("net/http.DefaultClient.Timeout", q(MEM_BASE + 8, 99)),
    }
    for name, (e, mem) in exprs.items():
        seeds["seed-%s.bin" % name] = e.encode() + b"\0" + mem
    return seeds


def write(name, seeds):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    for f, data in sorted(seeds.items()):
        with open(os.path.join(d, f), "wb") as fh:
            fh.write(data)
    print("mkseeds: %d seeds in %s" % (len(seeds), d))


def section(path, want):
    """Bytes of section want of an ELF64 little-endian file, or None."""
    with open(path, "rb") as f:
        elf = f.read()
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        s = sh(i)
        name = elf[stroff + s[0]:elf.index(b"\0", stroff + s[0])].decode()
        if name == want:
            return elf[s[4]:s[4] + s[5]]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--buildinfo", nargs="*", default=[],
                    help="also take the .go.buildinfo of these Go binaries")
    args = ap.parse_args()
    write("pclntab", {"seed-go1.20.bin": pclntab(False), "seed-go1.18.bin": pclntab(True)})
    write("unwind", unwind_seeds())
    bi = buildinfo_seeds()
    for path in args.buildinfo:
        data = section(path, ".go.buildinfo")
        if data is None:
            sys.exit("mkseeds: %s has no .go.buildinfo" % path)
        tag = "-".join(os.path.abspath(path).split(os.sep)[-3:])
        bi["seed-real-%s.bin" % tag] = data
    write("buildinfo", bi)
    write("json", json_seeds())
    write("elf", elf_seeds())
    write("value", value_seeds())
    write("rtype", rtype_seeds())
    write("expr", expr_seeds())


if __name__ == "__main__":
    main()
