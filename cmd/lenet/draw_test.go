package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/serve"
)

// drawServer serves the trained test model over httptest.
func drawServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	run, _ := trainedModel(t)
	m, err := checkpoints.LoadModel(filepath.Join(run, "latest"))
	if err != nil {
		t.Fatal(err)
	}
	return drawServerWith(t, m)
}

// drawServerWith is drawServer with the model m.
func drawServerWith(t *testing.T, m *checkpoints.Model) (*httptest.Server, string) {
	t.Helper()
	saveDir := filepath.Join(t.TempDir(), "drawings")
	h, err := serve.New(m, serve.Options{Addr: "127.0.0.1:0", Page: drawPage, SaveDir: saveDir, MaxSaves: 100, MaxSaveBytes: 1 << 20,
		Learn: "lenet train --from builtin --images " + saveDir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&requestLog{next: h})
	t.Cleanup(func() { srv.Close(); h.Close() })
	return srv, saveDir
}

// requestLog notes "METHOD PATH STATUS" for each request that reaches the server.
type requestLog struct {
	mu    sync.Mutex
	lines []string
	next  http.Handler
}

func (l *requestLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	l.next.ServeHTTP(rec, r)
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, rec.Code))
	l.mu.Unlock()
	maps.Copy(w.Header(), rec.Header())
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// requests are the requests that reached a drawServer so far.
func requests(t *testing.T, srv *httptest.Server) []string {
	l := srv.Config.Handler.(*requestLog)
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

// TestDrawCommand starts `lenet draw` on a free loopback port, loads the page from the
// URL it prints, and stops it as Ctrl-C would.
func TestDrawCommand(t *testing.T) {
	run, _ := trainedModel(t)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runDraw(ctx, []string{"--checkpoint", run, "--addr", "127.0.0.1:0", "--save-dir", t.TempDir()}, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var url string
	for lines.Scan() {
		if _, after, ok := strings.Cut(lines.Text(), "draw at "); ok {
			url = strings.Fields(after)[0]
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("draw printed no loopback URL (got %q)", url)
	}
	res, err := http.Get(url)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %v", url, err)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("draw ended with %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("draw did not stop within 10 s of cancel")
	}
	if err := runDraw(context.Background(), []string{"--checkpoint", run, "--addr", "nonsense"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), `invalid --addr "nonsense"`) {
		t.Fatalf("bad --addr: %v", err)
	}
}
