package serve

import (
	"bytes"
	"context"
	"image/jpeg"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/reader"
)

// TestReadEndpoint posts a photographed number (MNIST's test images 1, 0, 4: 2, 7, 4) as
// a JPEG and as a PNG to /api/read, a blank canvas, and a wrong type.
func TestReadEndpoint(t *testing.T) {
	p, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(p, testOptions(filepath.Join(t.TempDir(), "drawings")))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()

	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		t.Fatal(err)
	}
	x := dataset.Floats(set)
	ink, w := augment.Number([][]float32{x[784 : 2*784], x[:784], x[4*784 : 5*784]}, 28, []int{6, 6})
	img := augment.Photo{Scale: 3, Light: 0.2, Noise: 0.02}.DrawInk(ink, w, 28, rand.New(rand.NewPCG(1, 1)))
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	status, out := post(t, srv.URL+"/api/read", "image/jpeg", jpg.Bytes())
	digits, _ := out["digits"].([]any)
	if status != 200 || out["text"] != "274" || len(digits) != 3 {
		t.Fatalf("read a photographed 274: %d %v", status, out)
	}
	first, _ := digits[0].(map[string]any)
	if like, _ := first["digit_like"].(float64); len(first) != 6 || first["digit"] != 2.0 || first["sure"] != true || first["line"] != 0.0 || like < reader.GateAt {
		t.Errorf("the first digit: %v, want digit, probability, digit_like (at least the gate's %g), sure, box, line", first, reader.GateAt)
	}
	if status, out := post(t, srv.URL+"/api/read", "image/png", canvasPNG(t, true)); status != 422 || out["error"] != "no digits found" {
		t.Errorf("read a blank canvas: %d %v", status, out)
	}
	if status, out := post(t, srv.URL+"/api/read", "text/plain", []byte("274")); status != 415 {
		t.Errorf("read text: %d %v", status, out)
	}

	// A client that has gone: the read stops and nothing is answered; the next is read.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(gone, "POST", "http://127.0.0.1/api/read", bytes.NewReader(jpg.Bytes()))
	req.Header.Set("Content-Type", "image/jpeg")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Body.Len() != 0 {
		t.Errorf("a read for a client gone answered %d %s", rec.Code, rec.Body)
	}
	if status, out := post(t, srv.URL+"/api/read", "image/jpeg", jpg.Bytes()); status != 200 || out["text"] != "274" {
		t.Errorf("read after a client went: %d %v", status, out)
	}
}
