package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/reader"
)

// Limits of a request: it carries one small canvas.
const (
	MaxBodyBytes  = 2 << 20
	MaxCanvasSide = 2048
)

// Options shape a Handler.
type Options struct {
	Addr         string   // the address the server listens on: its host is one it answers to
	AllowHosts   []string // Host names it answers besides loopback and Addr's host
	Page         []byte   // the HTML page served at /
	SaveDir      string   // where drawings are saved
	MaxSaves     int      // most drawings SaveDir may hold
	MaxSaveBytes int64    // most bytes of drawings SaveDir may hold
	Learn        string   // the command that teaches the model the saved drawings, shown on the page
}

// Handler serves the drawing page and its API to the page alone (guard): POST
// /api/predict classifies a canvas, POST /api/read reads the number in a canvas or a
// photo, POST /api/save?label=7 stores it as a labelled picture, GET /api/saves says
// how many are saved and the command that learns from them.
// Predictions share one evaluator under a lock; reads run side by side, one a core
// (reader.Reader), and stop when their client goes.
type Handler struct {
	guarded http.Handler
	mu      sync.Mutex
	ev      *graph.Evaluator
	reader  *reader.Reader
	saves   *saveFolder
	learn   string
}

// New serves the model m (one network or a committee) as o says.
func New(m *checkpoints.Model, o Options) (*Handler, error) {
	saves, err := openSaveFolder(o.SaveDir, o.MaxSaves, o.MaxSaveBytes)
	if err != nil {
		return nil, err
	}
	ev, err := m.Evaluator(1)
	if err != nil {
		return nil, err
	}
	rd, err := reader.New(m)
	if err != nil {
		ev.Close()
		return nil, err
	}
	h := &Handler{ev: ev, reader: rd, saves: saves, learn: o.Learn}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(o.Page)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		jsonError(w, http.StatusNotFound, "no such page: the drawing page is at /")
	})
	mux.HandleFunc("/api/predict", postOnly(h.predict))
	mux.HandleFunc("/api/save", postOnly(h.save))
	mux.HandleFunc("/api/read", postOnly(h.read))
	mux.HandleFunc("/api/saves", only(http.MethodGet, h.saved))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		jsonError(w, http.StatusNotFound, "no such endpoint (POST /api/predict, /api/read or /api/save; GET /api/saves)")
	})
	h.guarded = guard(mux, o.Addr, o.AllowHosts)
	return h, nil
}

// Close releases the evaluator and the reader.
func (h *Handler) Close() { h.ev.Close(); h.reader.Close() }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	h.guarded.ServeHTTP(w, r)
}

// Prediction is /api/predict's answer.
type Prediction struct {
	Guess         int       `json:"guess"`
	Probabilities []float64 `json:"probabilities"`
	Image         []float32 `json:"image"` // the 28x28 the network saw, row-major, ink 1
}

// predict takes the canvas as a PNG (image/png) or as 784 values in [0,1]
// (application/json, {"pixels": [...]}) and returns the guess.
func (h *Handler) predict(w http.ResponseWriter, r *http.Request) {
	px, status, err := readCanvas(w, r)
	if err != nil {
		jsonError(w, status, err.Error())
		return
	}
	h.mu.Lock()
	probs, err := h.ev.Probabilities(px)
	h.mu.Unlock()
	if err != nil {
		jsonError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(Prediction{Guess: graph.Argmax(probs, h.ev.Classes())[0], Probabilities: probs, Image: px})
}

// read reads the numbers in a picture (image/png, image/jpeg or image/gif: the canvas or
// a photo), line by line, and answers lenet read's JSON: text (a newline between lines)
// and digits (each with its line); 422 when there are none.
func (h *Handler) read(w http.ResponseWriter, r *http.Request) {
	body, status, err := readBody(w, r)
	if err != nil {
		jsonError(w, status, err.Error())
		return
	}
	switch ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ctype {
	case "image/png", "image/jpeg", "image/gif":
	default:
		jsonError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q: expected image/png, image/jpeg or image/gif", r.Header.Get("Content-Type")))
		return
	}
	img, status, err := decodePicture(body)
	if err != nil {
		jsonError(w, status, err.Error())
		return
	}
	// The request's context ends when the client goes: the read stops with it.
	reading, err := h.reader.Read(r.Context(), img)
	if r.Context().Err() != nil {
		return // no one to answer
	}
	if errors.Is(err, reader.ErrNoDigits) {
		jsonError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if err != nil {
		jsonError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(reading)
}

// decodePicture decodes a request's picture of at most MaxCanvasSide pixels a side, or
// says what status to answer.
func decodePicture(body []byte) (image.Image, int, error) {
	img, err := preprocess.Decode(bytes.NewReader(body))
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	if b := img.Bounds(); b.Dx() > MaxCanvasSide || b.Dy() > MaxCanvasSide {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("picture %dx%d, at most %d a side", b.Dx(), b.Dy(), MaxCanvasSide)
	}
	return img, http.StatusOK, nil
}

// readCanvas reads and preprocesses a request body, or says what status to answer.
func readCanvas(w http.ResponseWriter, r *http.Request) ([]float32, int, error) {
	body, status, err := readBody(w, r)
	if err != nil {
		return nil, status, err
	}
	if len(body) == 0 {
		return nil, http.StatusBadRequest, errors.New("empty body: send the canvas as image/png or JSON {\"pixels\": [784 values]}")
	}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ctype {
	case "image/png":
		img, status, err := decodePicture(body)
		if err != nil {
			return nil, status, err
		}
		px, err := preprocess.Digit(img)
		if errors.Is(err, preprocess.ErrBlank) {
			return nil, http.StatusUnprocessableEntity, err
		}
		return px, http.StatusOK, err
	case "application/json":
		var in struct {
			Pixels []float64 `json:"pixels"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return nil, http.StatusBadRequest, fmt.Errorf("invalid JSON: %v", err)
		}
		if len(in.Pixels) != dataset.Pixels {
			return nil, http.StatusBadRequest, fmt.Errorf("pixels: %d values, expected %d (28x28, row-major)", len(in.Pixels), dataset.Pixels)
		}
		px := make([]float32, dataset.Pixels)
		for i, v := range in.Pixels {
			if v < 0 || v > 1 || math.IsNaN(v) {
				return nil, http.StatusBadRequest, fmt.Errorf("pixels[%d] = %g, expected a value in [0,1]", i, v)
			}
			px[i] = float32(v)
		}
		return px, http.StatusOK, nil
	}
	return nil, http.StatusUnsupportedMediaType, fmt.Errorf("Content-Type %q: expected image/png or application/json", r.Header.Get("Content-Type"))
}

// readBody reads a request's body up to MaxBodyBytes, or says what status to answer.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body over %d bytes", MaxBodyBytes)
	}
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("read body: %v", err)
	}
	return body, http.StatusOK, nil
}

// save stores a PNG drawing with its true label (?label=7) in the save folder, named
// for `lenet test --images`; 507 when the folder's cap or the disk is full.
func (h *Handler) save(w http.ResponseWriter, r *http.Request) {
	label, err := strconv.Atoi(r.URL.Query().Get("label"))
	if err != nil || label < 0 || label > 9 {
		jsonError(w, http.StatusBadRequest, "label: expected ?label=0 to 9")
		return
	}
	if ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ctype != "image/png" {
		jsonError(w, http.StatusUnsupportedMediaType, "expected the drawing as image/png")
		return
	}
	body, status, err := readBody(w, r)
	if err != nil {
		jsonError(w, status, err.Error())
		return
	}
	if _, err := preprocess.Decode(bytes.NewReader(body)); err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	name, err := h.saves.save(label, body)
	switch {
	case errors.Is(err, errSaveQuota) || errors.Is(err, errDiskFull):
		jsonError(w, http.StatusInsufficientStorage, err.Error())
		return
	case err != nil:
		jsonError(w, http.StatusInternalServerError, err.Error())
		return
	}
	count, _ := h.saves.counted(false)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(Saves{Saved: name, Count: count, Dir: h.saves.dir, Learn: h.learn})
}

// Saves is /api/save's and /api/saves's answer: the drawing just saved (/api/save),
// how many the save folder holds, where, and the command that learns from them.
type Saves struct {
	Saved string `json:"saved,omitempty"`
	Count int    `json:"count"`
	Dir   string `json:"dir"`
	Learn string `json:"learn"`
}

// saved answers GET /api/saves, counting the folder again (the user may have moved
// drawings away).
func (h *Handler) saved(w http.ResponseWriter, r *http.Request) {
	count, err := h.saves.counted(true)
	if err != nil {
		jsonError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(Saves{Count: count, Dir: h.saves.dir, Learn: h.learn})
}

// postOnly answers other methods than POST with a JSON 405.
func postOnly(h http.HandlerFunc) http.HandlerFunc { return only(http.MethodPost, h) }

// only answers other methods than method with a JSON 405.
func only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			jsonError(w, http.StatusMethodNotAllowed, r.Method+" not allowed: use "+method)
			return
		}
		h(w, r)
	}
}

func jsonError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// Timeouts of the server Run starts.
const (
	requestTimeout  = 10 * time.Second
	shutdownTimeout = 5 * time.Second
)

// Run serves h on ln until ctx is cancelled, then stops accepting requests, lets those
// under way finish (for up to 5 s) and returns.
func Run(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadTimeout: requestTimeout, WriteTimeout: requestTimeout, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}
