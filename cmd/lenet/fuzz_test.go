package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

// FuzzPredictHandler sends arbitrary bodies with each content type to /api/predict: the
// answer is 200 with a guess and 10 probabilities, or a 4xx with a JSON error; never a
// crash or a 5xx.
func FuzzPredictHandler(f *testing.F) {
	p, _ := graph.NewParams(tensor.Float32, 1)
	h, err := newDrawHandler(p, f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	types := []string{"image/png", "application/json", "text/plain", "image/png; charset=x", ""}
	f.Add(uint8(0), canvasPNG(f, false))
	f.Add(uint8(1), []byte(`{"pixels":[0.5]}`))
	f.Add(uint8(1), []byte(`{"pixels":null}`))
	f.Add(uint8(2), []byte("x"))
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/predict", bytes.NewReader(body))
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
