package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

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
