package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
)

// drawServer serves the trained test model over httptest.
func drawServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	run, _ := trainedModel(t)
	p, _, err := checkpoints.Load(filepath.Join(run, "latest"))
	if err != nil {
		t.Fatal(err)
	}
	saveDir := filepath.Join(t.TempDir(), "drawings")
	h, err := newDrawHandler(p, testDrawOptions(saveDir))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&requestLog{next: h})
	t.Cleanup(func() { srv.Close(); h.close() })
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

// testDrawOptions are draw's defaults with saves into saveDir.
func testDrawOptions(saveDir string) drawOptions {
	return drawOptions{addr: "127.0.0.1:0", saveDir: saveDir, maxSaves: defaultMaxSaves, maxSaveMiB: defaultMaxSaveMiB}
}

// canvasPNG draws a thick vertical stroke ("1") as the page would send it.
func canvasPNG(t testing.TB, blank bool) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 280, 280))
	for y := 0; y < 280; y++ {
		for x := 0; x < 280; x++ {
			c := color.RGBA{255, 255, 255, 255}
			if !blank && x >= 130 && x < 150 && y >= 40 && y < 240 {
				c = color.RGBA{0, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func post(t *testing.T, url, ctype string, body []byte) (int, map[string]any) {
	t.Helper()
	res, err := http.Post(url, ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("POST %s answered %d with non-JSON %q", url, res.StatusCode, data)
	}
	return res.StatusCode, out
}

func TestDrawHandler(t *testing.T) {
	srv, saveDir := drawServer(t)
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(page, []byte(`<canvas id="pad"`)) || bytes.Contains(page, []byte("http://")) || bytes.Contains(page, []byte("https://")) {
		t.Fatalf("GET /: %d, page must hold the canvas and no external address", res.StatusCode)
	}

	status, out := post(t, srv.URL+"/api/predict", "image/png", canvasPNG(t, false))
	probs, _ := out["probabilities"].([]any)
	img, _ := out["image"].([]any)
	sum := 0.0
	for _, p := range probs {
		sum += p.(float64)
	}
	if status != 200 || len(probs) != 10 || len(img) != 784 || math.Abs(sum-1) > 1e-6 || out["guess"] != 1.0 {
		t.Fatalf("predict a drawn 1: %d %v", status, out)
	}

	dir, _ := dataset.DefaultDir()
	set, _ := dataset.Load(dir, "test")
	px := dataset.Floats(set.Limit(1))
	js, _ := json.Marshal(map[string]any{"pixels": px})
	if status, out := post(t, srv.URL+"/api/predict", "application/json", js); status != 200 || out["guess"] != 7.0 {
		t.Fatalf("predict test image 0 (a 7) as JSON: %d %v", status, out)
	}

	huge := make([]byte, maxBodyBytes+10)
	for _, c := range []struct {
		name, ctype string
		body        []byte
		want        int
	}{
		{"empty", "image/png", nil, 400},
		{"not a png", "image/png", []byte("hello"), 400},
		{"blank canvas", "image/png", canvasPNG(t, true), 422},
		{"wrong type", "text/plain", []byte("1"), 415},
		{"huge", "image/png", huge, 413},
		{"bad json", "application/json", []byte("{"), 400},
		{"short json", "application/json", []byte(`{"pixels":[0.5]}`), 400},
		{"out of range", "application/json", []byte(`{"pixels":[` + strings.Repeat("2,", 783) + `2]}`), 400},
		{"unknown field", "application/json", []byte(`{"pixel":[]}`), 400},
	} {
		if status, out := post(t, srv.URL+"/api/predict", c.ctype, c.body); status != c.want || out["error"] == "" {
			t.Errorf("%s: got %d %v, want %d with an error", c.name, status, out, c.want)
		}
	}
	if res, err := http.Get(srv.URL + "/api/predict"); err != nil || res.StatusCode != 405 || res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("GET /api/predict: %v %v", res.StatusCode, err)
	}

	// Concurrent requests share one evaluator safely and agree.
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 16 {
		wg.Go(func() {
			res, err := http.Post(srv.URL+"/api/predict", "application/json", bytes.NewReader(js))
			if err != nil {
				errs <- err.Error()
				return
			}
			var p prediction
			json.NewDecoder(res.Body).Decode(&p)
			res.Body.Close()
			if p.Guess != 7 {
				errs <- fmt.Sprintf("concurrent request got %d", p.Guess)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}

	if status, out := post(t, srv.URL+"/api/save?label=4", "image/png", canvasPNG(t, false)); status != 200 || !strings.HasPrefix(out["saved"].(string), "4-") {
		t.Fatalf("save: %d %v", status, out)
	}
	files, _ := filepath.Glob(filepath.Join(saveDir, "4-*.png"))
	if len(files) != 1 {
		t.Fatalf("saved files: %v", files)
	}
	if status, _ := post(t, srv.URL+"/api/save?label=11", "image/png", canvasPNG(t, false)); status != 400 {
		t.Fatalf("save with label 11: %d", status)
	}
	if _, err := os.Stat(saveDir); err != nil {
		t.Fatal(err)
	}
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
