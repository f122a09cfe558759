package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

// FuzzPredictHandler sends arbitrary bodies with each content type to /api/predict: the
// answer is 200 with a guess and 10 probabilities, or a 4xx with a JSON error; never a
// crash or a 5xx.
func FuzzPredictHandler(f *testing.F) {
	p, _ := graph.NewParams(tensor.Float32, 1)
	h, err := newDrawHandler(p, testDrawOptions(f.TempDir()))
	if err != nil {
		f.Fatal(err)
	}
	types := []string{"image/png", "application/json", "text/plain", "image/png; charset=x", ""}
	f.Add(uint8(0), canvasPNG(f, false))
	f.Add(uint8(1), []byte(`{"pixels":[0.5]}`))
	f.Add(uint8(1), []byte(`{"pixels":null}`))
	f.Add(uint8(2), []byte("x"))
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/api/predict", bytes.NewReader(body))
		req.Header.Set("Content-Type", types[int(kind)%len(types)])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out struct {
			Guess         *int      `json:"guess"`
			Probabilities []float64 `json:"probabilities"`
			Error         string    `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("status %d with non-JSON body %q", rec.Code, rec.Body.Bytes())
		}
		switch {
		case rec.Code == 200 && (out.Guess == nil || len(out.Probabilities) != 10):
			t.Fatalf("200 without a guess: %s", rec.Body.Bytes())
		case rec.Code >= 400 && rec.Code < 500 && out.Error == "":
			t.Fatalf("%d without an error message", rec.Code)
		case rec.Code >= 500:
			t.Fatalf("server error %d: %s", rec.Code, out.Error)
		}
	})
}

// FuzzDrawRequest sends arbitrary requests to the whole draw server: any method, Host,
// Origin, Sec-Fetch-Site, path and body. Never a crash or a 5xx but 507 (the save folder's
// cap); a refusal is a 403 with a JSON error; a request from another site (a foreign Host
// name, or Sec-Fetch-Site cross-site on a POST) never succeeds; a save that succeeds
// holds exactly the body posted, and the folder never holds a partial file.
func FuzzDrawRequest(f *testing.F) {
	p, _ := graph.NewParams(tensor.Float32, 1)
	dir := f.TempDir()
	o := testDrawOptions(dir)
	o.maxSaves = 20
	h, err := newDrawHandler(p, o)
	if err != nil {
		f.Fatal(err)
	}
	methods := []string{"GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE"}
	drawing := canvasPNG(f, false)
	f.Add(uint8(1), "127.0.0.1:8080", "", "same-origin", "/api/save?label=3", drawing)
	f.Add(uint8(1), "evil.example:8080", "http://evil.example:8080", "same-origin", "/api/save?label=3", drawing)
	f.Add(uint8(1), "localhost", "http://evil.example", "cross-site", "/api/predict", drawing)
	f.Add(uint8(0), "[::1]:8080", "", "none", "/", []byte{})
	f.Add(uint8(0), "a.localhost.", "", "", "/index.html", []byte{})
	f.Add(uint8(1), "127.0.0.1", "null", "same-site", "/api/other", []byte("x"))
	f.Fuzz(func(t *testing.T, method uint8, host, origin, fetchSite, target string, body []byte) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(methods[int(method)%len(methods)], "http://127.0.0.1:8080"+target, bytes.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.Host = host
		req.Header.Set("Content-Type", "image/png")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if fetchSite != "" {
			req.Header.Set("Sec-Fetch-Site", fetchSite)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		ok := rec.Code < 300
		switch {
		case rec.Code >= 500 && rec.Code != http.StatusInsufficientStorage:
			t.Fatalf("server error %d: %s", rec.Code, rec.Body.String())
		case ok && !loopbackOrigin(host):
			t.Fatalf("Host %q reached the server: %d", host, rec.Code)
		case ok && req.Method == "POST" && fetchSite != "" && fetchSite != "same-origin" && fetchSite != "none":
			t.Fatalf("a %s POST succeeded", fetchSite)
		}
		if rec.Code == 403 {
			var out struct{ Error string }
			if json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Error == "" {
				t.Fatalf("403 without a JSON error: %q", rec.Body.String())
			}
		}
		var saved struct{ Saved string }
		if ok && json.Unmarshal(rec.Body.Bytes(), &saved) == nil && saved.Saved != "" {
			if got, err := os.ReadFile(filepath.Join(dir, saved.Saved)); err != nil || !bytes.Equal(got, body) {
				t.Fatalf("saved %s differs from the body posted: %v", saved.Saved, err)
			}
		}
		if leftovers, _ := filepath.Glob(filepath.Join(dir, checkpoints.TempPrefix+"*")); len(leftovers) > 0 {
			t.Fatalf("partial files left: %v", leftovers)
		}
	})
}

// loopbackOrigin says, independently of hostGuard, whether a Host header names this
// machine's loopback: localhost (or a name under it) or a 127.x.y.z or ::1 address.
func loopbackOrigin(host string) bool {
	h := strings.ToLower(host)
	if name, _, err := net.SplitHostPort(h); err == nil {
		h = name
	}
	h = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), ".")
	if addr, err := netip.ParseAddr(h); err == nil {
		return addr.Unmap().IsLoopback()
	}
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// TestPredictConcurrently hits one handler from many goroutines (run it with -race):
// every answer must equal the answer to the same request made alone.
func TestPredictConcurrently(t *testing.T) {
	p, _ := graph.NewParams(tensor.Float32, 2)
	h, err := newDrawHandler(p, testDrawOptions(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	body := canvasPNG(t, false)
	ask := func() (string, error) {
		res, err := http.Post(srv.URL+"/api/predict", "image/png", bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		return b.String(), nil
	}
	want, err := ask()
	if err != nil || !strings.Contains(want, `"probabilities"`) {
		t.Fatalf("alone: %v %s", err, want)
	}
	var wg sync.WaitGroup
	got := make(chan string, 24)
	for range 24 {
		wg.Go(func() {
			a, err := ask()
			if err != nil {
				a = err.Error()
			}
			got <- a
		})
	}
	wg.Wait()
	close(got)
	for a := range got {
		if a != want {
			t.Fatalf("a concurrent answer differs:\n%s\nwant\n%s", a, want)
		}
	}
}
