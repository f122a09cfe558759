package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
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
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/atomicfile"
	"gorgonia.org/tensor"
)

// testOptions are the defaults of lenet draw with saves into saveDir.
func testOptions(saveDir string) Options {
	return Options{Addr: "127.0.0.1:0", SaveDir: saveDir, MaxSaves: DefaultMaxSaves, MaxSaveBytes: DefaultMaxSaveMiB << 20}
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

// TestHandler serves the built-in model: the page, predictions of a drawn 1 (PNG) and
// of test image 0 (a 7, as JSON), every kind of bad request, concurrent requests, and
// saving.
func TestHandler(t *testing.T) {
	p, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	saveDir := filepath.Join(t.TempDir(), "drawings")
	o := testOptions(saveDir)
	o.Page = []byte(`<!doctype html><canvas id="pad"></canvas>`)
	h, err := New(p, o)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
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

	huge := make([]byte, MaxBodyBytes+10)
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
		t.Run(c.name, func(t *testing.T) {
			if status, out := post(t, srv.URL+"/api/predict", c.ctype, c.body); status != c.want || out["error"] == "" {
				t.Errorf("got %d %v, want %d with an error", status, out, c.want)
			}
		})
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
			var p Prediction
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

// FuzzPredictHandler sends arbitrary bodies with each content type to /api/predict: the
// answer is 200 with a guess and 10 probabilities, or a 4xx with a JSON error; never a
// crash or a 5xx.
func FuzzPredictHandler(f *testing.F) {
	p := &checkpoints.Model{Params: must(graph.NewParams(tensor.Float32, 1))}
	h, err := New(p, testOptions(f.TempDir()))
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
	p := &checkpoints.Model{Params: must(graph.NewParams(tensor.Float32, 1))}
	dir := f.TempDir()
	o := testOptions(dir)
	o.MaxSaves = 20
	h, err := New(p, o)
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
		if leftovers, _ := filepath.Glob(filepath.Join(dir, atomicfile.TempPrefix+"*")); len(leftovers) > 0 {
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
	p := &checkpoints.Model{Params: must(graph.NewParams(tensor.Float32, 2))}
	h, err := New(p, testOptions(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
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
