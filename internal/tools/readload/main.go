// Command readload measures how many readings a second a running `lenet draw` serves:
// clients post the PNG pictures of a folder to its /api/read, each without pause, for a
// while, and it prints the readings answered a second (docs/bench/read.sh):
//
//	readload -url http://127.0.0.1:PORT -clients 8 -for 10s DIR
//
// Every answer must be a reading (200) or "no digits found" (422); any other ends it
// with an error.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "", "the address lenet draw serves at")
	clients := flag.Int("clients", 1, "how many clients post at once")
	d := flag.Duration("for", 10*time.Second, "how long they post")
	flag.Parse()
	if err := run(*url, *clients, *d, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "readload:", err)
		os.Exit(1)
	}
}

func run(url string, clients int, d time.Duration, args []string) error {
	if url == "" || clients < 1 || d <= 0 || len(args) != 1 {
		return errors.New("usage: readload -url URL [-clients N] [-for D] DIR")
	}
	files, err := filepath.Glob(filepath.Join(args[0], "*.png"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("%s: no PNG pictures (%v)", args[0], err)
	}
	pictures := make([][]byte, len(files))
	for i, f := range files {
		if pictures[i], err = os.ReadFile(f); err != nil {
			return err
		}
	}
	var answered atomic.Int64
	var failed atomic.Pointer[error]
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for k := c; time.Now().Before(end) && failed.Load() == nil; k += clients {
				resp, err := http.Post(url+"/api/read", "image/png", bytes.NewReader(pictures[k%len(pictures)]))
				if err == nil {
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 && resp.StatusCode != 422 {
						err = fmt.Errorf("%s: %s %s", files[k%len(files)], resp.Status, body)
					}
				}
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				answered.Add(1)
			}
		})
	}
	wg.Wait()
	if p := failed.Load(); p != nil {
		return *p
	}
	fmt.Printf("%d clients: %d readings in %v, %.1f a second\n", clients, answered.Load(), d, float64(answered.Load())/d.Seconds())
	return nil
}
