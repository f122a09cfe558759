package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
	"github.com/spf13/pflag"
)

//go:embed web
var webFiles embed.FS

const drawSummary = `Usage: lenet draw [--checkpoint DIR] [--addr 127.0.0.1:8080] [--save-dir DIR]

Serves a page where you draw a digit with the mouse, a finger or a pen and watch the
network guess it live (the seed's selftest). The page is built into the binary and works
offline. "That was a 7" buttons save your drawing as an image file into --save-dir,
named for 'lenet test --images', so you build your own test set, up to --max-saves
drawings and --max-save-mib MiB in the folder. Listens on loopback unless --addr says
otherwise, and answers only requests addressed to loopback names, the host of --addr
or an --allow-host name, coming from its own page: other web sites open in the browser
cannot use it. Ctrl-C stops it after the requests under way.`

// Server limits: requests carry one small canvas.
const (
	maxBodyBytes   = 2 << 20
	maxCanvasSide  = 2048
	requestTimeout = 10 * time.Second
)

// drawOptions are draw's flags that shape its server.
type drawOptions struct {
	addr       string   // where it listens
	allowHosts []string // Host names it answers besides loopback and addr's host
	saveDir    string   // where drawings are saved
	maxSaves   int      // most drawings in saveDir
	maxSaveMiB int      // most MiB of drawings in saveDir
}

func runDraw(ctx context.Context, args []string, stdout, _ io.Writer) error {
	var m modelFlags
	var o drawOptions
	fs := pflag.NewFlagSet("draw", pflag.ContinueOnError)
	m.register(fs)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.StringSliceVar(&o.allowHosts, "allow-host", nil, "a further host name the server answers to (repeatable), e.g. the machine's name when --addr is :8080")
	fs.StringVar(&o.saveDir, "save-dir", "drawings", "folder where corrected drawings are saved")
	fs.IntVar(&o.maxSaves, "max-saves", defaultMaxSaves, "most drawings the save folder may hold (1 to 1000000)")
	fs.IntVar(&o.maxSaveMiB, "max-save-mib", defaultMaxSaveMiB, "most MiB of drawings the save folder may hold (1 to 1048576)")
	if err := parse(fs, args, stdout, drawSummary); err != nil {
		return err
	}
	if err := errors.Join(intIn("max-saves", o.maxSaves, 1, 1_000_000), intIn("max-save-mib", o.maxSaveMiB, 1, 1<<20)); err != nil {
		return err
	}
	mod, err := m.load()
	if err != nil {
		return err
	}
	if mod.data.Name != dataset.MNIST.Name {
		return fmt.Errorf("draw is for handwritten digits; the model classifies %s", mod.data.Title)
	}
	h, err := newDrawHandler(mod.params, o)
	if err != nil {
		return err
	}
	defer h.close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("invalid --addr %q: %w", o.addr, err)
	}
	srv := &http.Server{Handler: h, ReadTimeout: requestTimeout, WriteTimeout: requestTimeout, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	fmt.Fprintf(stdout, "model %s\ndraw at http://%s/ (Ctrl-C stops)\n", mod.name, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

// drawHandler serves the page and its API, guarded against other web sites (guardDraw);
// one evaluator, used under a lock, serves concurrent requests.
type drawHandler struct {
	guarded http.Handler
	mu      sync.Mutex
	ev      *graph.Evaluator
	saves   *saveFolder
}

func newDrawHandler(p *graph.Params, o drawOptions) (*drawHandler, error) {
	saves, err := openSaveFolder(o.saveDir, o.maxSaves, int64(o.maxSaveMiB)<<20)
	if err != nil {
		return nil, err
	}
	ev, err := graph.NewEvaluator(p, 1)
	if err != nil {
		return nil, err
	}
	h := &drawHandler{ev: ev, saves: saves}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, webFiles, "web/index.html")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		jsonError(w, http.StatusNotFound, "no such page: the drawing page is at /")
	})
	mux.HandleFunc("/api/predict", postOnly(h.predict))
	mux.HandleFunc("/api/save", postOnly(h.save))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		jsonError(w, http.StatusNotFound, "no such endpoint (POST /api/predict or /api/save)")
	})
	h.guarded = guardDraw(mux, o.addr, o.allowHosts)
	return h, nil
}

func (h *drawHandler) close() { h.ev.Close() }

func (h *drawHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	h.guarded.ServeHTTP(w, r)
}

// prediction is /api/predict's answer.
type prediction struct {
	Guess         int       `json:"guess"`
	Probabilities []float64 `json:"probabilities"`
	Image         []float32 `json:"image"` // the 28x28 the network saw, row-major, ink 1
}

// predict takes the canvas as a PNG (image/png) or as 784 values in [0,1]
// (application/json, {"pixels": [...]}) and returns the guess.
func (h *drawHandler) predict(w http.ResponseWriter, r *http.Request) {
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
	json.NewEncoder(w).Encode(prediction{Guess: graph.Argmax(probs)[0], Probabilities: probs, Image: px})
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
		img, err := preprocess.Decode(bytes.NewReader(body))
		if err != nil {
			return nil, http.StatusBadRequest, err
		}
		if b := img.Bounds(); b.Dx() > maxCanvasSide || b.Dy() > maxCanvasSide {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("canvas %dx%d, at most %d a side", b.Dx(), b.Dy(), maxCanvasSide)
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

// readBody reads a request's body up to maxBodyBytes, or says what status to answer.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body over %d bytes", maxBodyBytes)
	}
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("read body: %v", err)
	}
	return body, http.StatusOK, nil
}

// save stores a PNG drawing with its true label (?label=7) in the save folder, named
// for `lenet test --images`; 507 when the folder's cap or the disk is full.
func (h *drawHandler) save(w http.ResponseWriter, r *http.Request) {
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
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"saved": name})
}

// postOnly answers other methods with a JSON 405.
func postOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			jsonError(w, http.StatusMethodNotAllowed, r.Method+" not allowed: use POST")
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
