// Command maps is the map benchmark target of `make bench` (bench/run.py,
// section "maps"; issue 7: print a map of 1,000,000 entries to a file in
// under 1 s).  It fills global maps of each size given with -n, of three
// kinds:
//
//	main.siN  map[string]int   keys of 7 to 30 bytes, some not ASCII
//	main.isN  map[int64]string values of 0 to 40 bytes
//	main.irN  map[int64]Rec    a struct value with a string in it
//
// for N in 1000, 10000, 100000, 1000000 (a size not asked for stays nil).
// Built with Go 1.26 they are swiss tables, with Go 1.19 hash buckets (the
// last inserts may leave a map in the middle of growing, which goinspect
// must read too).
//
// With -out DIR it writes its own ground truth, then parks:
//
//	DIR/NAME.json  {"count": len(m), "entries": [[key, value], ...]}
//	               for each map filled, entries sorted by key, made
//	               with encoding/json
//	DIR/pid        its process id
//	DIR/ready      empty, last
//
// The garbage collector is off once the maps are filled.  It exits by
// itself after -life (default 30 minutes).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Rec is the struct value of the ir maps.
type Rec struct {
	ID    int32
	Name  string
	Ok    bool
	Score float64
}

var (
	si1000, si10000, si100000, si1000000 map[string]int
	is1000, is10000, is100000, is1000000 map[int64]string
	ir1000, ir10000, ir100000, ir1000000 map[int64]Rec
)

var sizes = map[int]struct {
	si *map[string]int
	is *map[int64]string
	ir *map[int64]Rec
}{
	1000:    {&si1000, &is1000, &ir1000},
	10000:   {&si10000, &is10000, &ir10000},
	100000:  {&si100000, &is100000, &ir100000},
	1000000: {&si1000000, &is1000000, &ir1000000},
}

var outDir string

// A small xorshift: the same maps on every run and every toolchain.
type rnd uint64

func (r *rnd) next() uint64 {
	*r ^= *r << 13
	*r ^= *r >> 7
	*r ^= *r << 17
	return uint64(*r)
}

var words = []string{"alpha", "bravo", "köln", "delta", "東京", "echo",
	"perú", "zulu"}

func key(i int, r *rnd) string {
	var b strings.Builder
	b.WriteString(words[r.next()%uint64(len(words))])
	b.WriteByte('-')
	b.WriteString(strconv.Itoa(i))
	for n := r.next() % 4; n > 0; n-- {
		b.WriteByte('.')
		b.WriteString(strconv.FormatUint(r.next()%100000, 36))
	}
	return b.String()
}

func text(r *rnd) string {
	n := r.next() % 41
	b := make([]byte, n)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz0123456789 -_/"[r.next()%40]
	}
	return string(b)
}

func fill(n int) {
	p := sizes[n]
	r := rnd(uint64(n)*2654435761 + 1)
	si := make(map[string]int)
	is := make(map[int64]string)
	ir := make(map[int64]Rec)
	for i := 0; i < n; i++ {
		si[key(i, &r)] = int(int64(r.next()) >> 20)
		k := int64(r.next() >> 1)
		if i%2 == 1 {
			k = -k
		}
		is[k] = text(&r)
		ir[int64(i)*7919-int64(n)] = Rec{ID: int32(r.next()), Name: text(&r),
			Ok: i%3 == 0, Score: float64(int64(r.next()%1000000)-500000) / 8}
	}
	*p.si, *p.is, *p.ir = si, is, ir
}

func write(name string, data []byte) {
	tmp := filepath.Join(outDir, name+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "maps:", err)
		os.Exit(2)
	}
	if err := os.Rename(tmp, filepath.Join(outDir, name)); err != nil {
		fmt.Fprintln(os.Stderr, "maps:", err)
		os.Exit(2)
	}
}

// truth writes NAME.json: the count and the entries sorted by key.
func truth(name string, count int, entries [][2]interface{},
	less func(a, b interface{}) bool) {
	sort.Slice(entries, func(i, j int) bool {
		return less(entries[i][0], entries[j][0])
	})
	data, err := json.Marshal(map[string]interface{}{"count": count,
		"entries": entries})
	if err != nil {
		fmt.Fprintln(os.Stderr, "maps:", err)
		os.Exit(2)
	}
	write(name+".json", data)
}

func truths(n int) {
	p := sizes[n]
	lessInt := func(a, b interface{}) bool { return a.(int64) < b.(int64) }
	lessStr := func(a, b interface{}) bool { return a.(string) < b.(string) }
	e := make([][2]interface{}, 0, n)
	for k, v := range *p.si {
		e = append(e, [2]interface{}{k, v})
	}
	truth(fmt.Sprintf("si%d", n), len(*p.si), e, lessStr)
	e = make([][2]interface{}, 0, n)
	for k, v := range *p.is {
		e = append(e, [2]interface{}{k, v})
	}
	truth(fmt.Sprintf("is%d", n), len(*p.is), e, lessInt)
	e = make([][2]interface{}, 0, n)
	for k, v := range *p.ir {
		e = append(e, [2]interface{}{k, v})
	}
	truth(fmt.Sprintf("ir%d", n), len(*p.ir), e, lessInt)
}

func main() {
	list := flag.String("n", "1000,10000,100000,1000000", "map sizes to fill")
	flag.StringVar(&outDir, "out", "", "directory for the ground truth, pid, ready")
	life := flag.Duration("life", 30*time.Minute, "exit after this long")
	flag.Parse()
	if outDir == "" {
		fmt.Fprintln(os.Stderr, "usage: maps -out DIR [-n 1000,10000]")
		os.Exit(2)
	}
	go func() {
		time.Sleep(*life)
		os.Exit(0)
	}()
	var ns []int
	for _, s := range strings.Split(*list, ",") {
		n, err := strconv.Atoi(s)
		if _, ok := sizes[n]; err != nil || !ok {
			fmt.Fprintln(os.Stderr, "maps: -n takes sizes among 1000,10000,100000,1000000")
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	for _, n := range ns {
		fill(n)
	}
	for _, n := range ns {
		truths(n)
	}
	runtime.GC()
	debug.SetGCPercent(-1)
	write("pid", []byte(fmt.Sprintf("%d\n", os.Getpid())))
	write("ready", nil)
	select {}
}
