// Command demo is a small service-shaped Go program for goinspect's README:
// a listener, a worker pool blocked on a channel, a mutex holder, and a
// ticker.  It exits by itself after ten minutes.
package main

import (
	"fmt"
	"net"
	"sync"
	"time"
)

type job struct{ id int }

func worker(id int, jobs <-chan job, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		_ = j
	}
}

func serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go serve(l)

	jobs := make(chan job)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker(i, jobs, &wg)
	}

	var mu sync.Mutex
	mu.Lock()
	go func() {
		mu.Lock() // waits forever: main holds the lock
	}()

	fmt.Println("demo: ready")
	time.Sleep(10 * time.Minute)
}
