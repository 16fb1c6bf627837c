// Command goroutines is the benchmark target of `make bench` (bench/run.py)
// and of tests/bigdump.py: N goroutines parked in a channel receive, each
// 1 to 6 frames of its own code deep (goroutine i is i%6+1 deep).
//
// It measures how long it is paused from the inside: a ticker goroutine
// wakes every millisecond and keeps the largest gap between two wake-ups.
// A debugger that stops every thread shows up as one long gap.
//
// With -out DIR it writes, once everything is parked:
//
//	DIR/pid      its process id
//	DIR/ready    empty, last
//
// and then, on each signal from the benchmark script:
//
//	SIGUSR1  DIR/gap: the largest tick gap (ns) since the previous SIGUSR1,
//	         written to DIR/gap.tmp and renamed
//	SIGUSR2  times its own runtime.Stack(buf, true) (what SIGQUIT and
//	         pprof's debug=2 cost) and writes DIR/stack: "<ns> <bytes>"
//
// With -truth (for tests/bigdump.py) there is no ticker and no signal
// handling: it writes its own runtime.Stack(buf, true) to DIR/stack.txt,
// then DIR/ready, and the goroutine that wrote them exits, so goinspect
// must print exactly stack.txt.
//
// With -churn K as well (for tests/churn.py), K churner goroutines start
// after stack.txt is written and keep goroutines coming and going: short
// lived ones of random depth, ping-pong pairs passing a counter as an
// argument, sleepers, selects, mutexes, system calls and Gosched loops, with
// the garbage collector on (so stacks grow, shrink and move).  The parked
// goroutines never change, so their blocks must still equal stack.txt.
//
// It exits by itself after -life (default 10 minutes).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	never   = make(chan int)
	parked  sync.WaitGroup
	maxGap  int64 // ns, atomic
	outDir  string
	lifeDur time.Duration
)

//go:noinline
func park1(id int) int {
	parked.Done()
	return <-never + id
}

//go:noinline
func park2(id int) int { return park1(id) + 1 }

//go:noinline
func park3(id int) int { return park2(id) + 1 }

//go:noinline
func park4(id int) int { return park3(id) + 1 }

//go:noinline
func park5(id int) int { return park4(id) + 1 }

//go:noinline
func park6(id int) int { return park5(id) + 1 }

var parkers = []func(int) int{park1, park2, park3, park4, park5, park6}

// ticker keeps the largest gap between two 1 ms wake-ups.
func ticker() {
	t := time.NewTicker(time.Millisecond)
	last := time.Now()
	for now := range t.C {
		_ = now
		n := time.Now()
		gap := int64(n.Sub(last))
		last = n
		for {
			old := atomic.LoadInt64(&maxGap)
			if gap <= old || atomic.CompareAndSwapInt64(&maxGap, old, gap) {
				break
			}
		}
	}
}

func write(name string, data []byte) {
	tmp := filepath.Join(outDir, name+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "goroutines:", err)
		os.Exit(2)
	}
	if err := os.Rename(tmp, filepath.Join(outDir, name)); err != nil {
		fmt.Fprintln(os.Stderr, "goroutines:", err)
		os.Exit(2)
	}
}

func stackAll() []byte {
	buf := make([]byte, 64<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

func signals() {
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGUSR2)
	for s := range c {
		switch s {
		case syscall.SIGUSR1:
			g := atomic.SwapInt64(&maxGap, 0)
			write("gap", []byte(fmt.Sprintf("%d\n", g)))
		case syscall.SIGUSR2:
			// The buffer is allocated first: time only the dump.
			buf := make([]byte, 256<<20)
			t0 := time.Now()
			n := runtime.Stack(buf, true)
			d := time.Since(t0)
			write("stack", []byte(fmt.Sprintf("%d %d\n", int64(d), n)))
		}
	}
}

func main() {
	n := flag.Int("n", 1000, "parked goroutines")
	truth := flag.Bool("truth", false, "write runtime.Stack to DIR/stack.txt and exit that goroutine (no ticker)")
	churners := flag.Int("churn", 0, "with -truth: churner goroutines started after stack.txt")
	flag.StringVar(&outDir, "out", "", "directory for pid, ready, gap, stack")
	flag.DurationVar(&lifeDur, "life", 10*time.Minute, "exit after this long")
	flag.Parse()
	if outDir == "" {
		fmt.Fprintln(os.Stderr, "usage: goroutines -n N -out DIR [-truth]")
		os.Exit(2)
	}
	go func() {
		time.Sleep(lifeDur)
		os.Exit(0)
	}()
	parked.Add(*n)
	for i := 0; i < *n; i++ {
		go parkers[i%6](i)
	}
	parked.Wait()
	// Let the last ones reach the channel receive, then no GC: a GC could
	// shrink stacks while goinspect or Delve reads them.
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	debug.SetGCPercent(-1)
	write("pid", []byte(fmt.Sprintf("%d\n", os.Getpid())))
	if *truth {
		go func() {
			write("stack.txt", stackAll())
			if *churners > 0 {
				debug.SetGCPercent(100)
				for i := 0; i < *churners; i++ {
					go churn(i)
				}
				time.Sleep(200 * time.Millisecond)
			}
			write("ready", nil)
		}()
		select {}
	}
	go ticker()
	go signals()
	time.Sleep(20 * time.Millisecond)
	write("ready", nil)
	select {}
}

// ---- churn (tests/churn.py) ----

var (
	churnMu   sync.Mutex
	churnSink int64
)

//go:noinline
func shortLived(depth int, wake chan int) int {
	var pad [64]int64
	pad[depth%64] = int64(depth)
	if depth > 0 {
		return shortLived(depth-1, wake) + int(pad[depth%64])
	}
	if wake != nil {
		return <-wake
	}
	return 0
}

//go:noinline
func pong(n int, in, out chan int) int {
	v := <-in
	out <- v + n
	return v
}

//go:noinline
func pinger(rounds int) {
	in, out := make(chan int), make(chan int)
	go func() {
		for i := 0; i < rounds; i++ {
			pong(i, in, out)
		}
	}()
	for i := 0; i < rounds; i++ {
		in <- i
		<-out
	}
}

//go:noinline
func grower(depth int) int {
	var buf [512]byte
	buf[depth%512] = byte(depth)
	if depth == 0 {
		time.Sleep(50 * time.Microsecond)
		return int(buf[0])
	}
	return grower(depth-1) + int(buf[depth%512])
}

func churn(seed int) {
	r := uint32(seed*2654435761 + 1)
	next := func(n int) int {
		r ^= r << 13
		r ^= r >> 17
		r ^= r << 5
		return int(r % uint32(n))
	}
	for {
		switch next(8) {
		case 0: // short-lived goroutines, some woken from a channel
			wake := make(chan int)
			for i := 0; i < 20; i++ {
				go shortLived(next(10), wake)
			}
			for i := 0; i < 20; i++ {
				wake <- i
			}
		case 1:
			pinger(50 + next(200))
		case 2:
			done := make(chan int)
			for i := 0; i < 10; i++ {
				go func(d time.Duration) {
					time.Sleep(d)
					done <- 1
				}(time.Duration(next(300)) * time.Microsecond)
			}
			for i := 0; i < 10; i++ {
				<-done
			}
		case 3:
			a, b := make(chan int), make(chan int)
			go func() { a <- 1 }()
			go func() { b <- 2 }()
			for i := 0; i < 2; i++ {
				select {
				case v := <-a:
					atomic.AddInt64(&churnSink, int64(v))
				case v := <-b:
					atomic.AddInt64(&churnSink, int64(v))
				}
			}
		case 4:
			var wg sync.WaitGroup
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func() {
					churnMu.Lock()
					churnSink++
					churnMu.Unlock()
					wg.Done()
				}()
			}
			wg.Wait()
		case 5:
			for i := 0; i < 50; i++ {
				syscall.Getpid()
				runtime.Gosched()
			}
		case 6: // deep stacks that grow and are copied
			done := make(chan int)
			for i := 0; i < 4; i++ {
				go func(d int) { done <- grower(d) }(20 + next(60))
			}
			for i := 0; i < 4; i++ {
				<-done
			}
		case 7:
			_ = make([]byte, 64<<10) // garbage, for the GC
		}
	}
}
