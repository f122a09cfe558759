package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/render"
	"golang.org/x/image/draw"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testViewPredict exercises view and predict on a trained checkpoint.
func testViewPredict(t *testing.T, ckpt string) {
	t.Helper()
	out, err := runCmd("view", "--checkpoint", ckpt, "--index", "0")
	if err != nil || !strings.HasPrefix(out, "test image 0: label 7, guess ") || strings.Count(out, "│\n") != 14 {
		t.Fatalf("view --index 0: %v\n%s", err, out)
	}
	out, err = runCmd("view", "--checkpoint", ckpt, "--wrong", "--count", "3")
	if err != nil {
		t.Fatal(err)
	}
	heads := regexp.MustCompile(`label (\d), guess (\d)`).FindAllStringSubmatch(out, -1)
	if len(heads) != 3 {
		t.Fatalf("--wrong --count 3 showed %d images:\n%s", len(heads), out)
	}
	for _, h := range heads {
		if h[1] == h[2] {
			t.Fatalf("--wrong showed a correct guess: %s", h[0])
		}
	}
	montagePath := filepath.Join(t.TempDir(), "wrong.png")
	if _, err := runCmd("view", "--checkpoint", ckpt, "--png", montagePath, "--count", "12"); err != nil {
		t.Fatal(err)
	}
	if f, err := os.Open(montagePath); err != nil {
		t.Fatal(err)
	} else if cfg, err := png.DecodeConfig(f); err != nil || cfg.Width != render.MontageCols*render.MontageCellW || cfg.Height != 2*render.MontageCellH {
		t.Fatalf("montage %+v, %v", cfg, err)
	}

	// Test digits drawn dark on light, 6 times larger, off-centre on a wide canvas.
	dir, _ := dataset.DefaultDir()
	set, _ := dataset.Load(dir, "test")
	var files []string
	for i := 0; i < 10; i++ {
		small := image.NewGray(image.Rect(0, 0, 28, 28))
		for j, v := range set.Pixels[i*784 : (i+1)*784] {
			small.Pix[j] = 255 - v
		}
		big := image.NewGray(image.Rect(0, 0, 400, 250))
		for j := range big.Pix {
			big.Pix[j] = 255
		}
		draw.BiLinear.Scale(big, image.Rect(20, 40, 20+168, 40+168), small, small.Bounds(), draw.Src, nil)
		path := filepath.Join(t.TempDir(), fmt.Sprintf("digit%d.png", i))
		f, _ := os.Create(path)
		png.Encode(f, big)
		f.Close()
		files = append(files, path)
	}
	out, err = runCmd(append([]string{"predict", "--checkpoint", ckpt, "--show"}, files...)...)
	if err != nil {
		t.Fatalf("predict: %v\n%s", err, out)
	}
	// Preprocessing an enlarged MNIST digit should give back (nearly) the MNIST digit:
	// predict must mostly agree with the network's guesses on the originals.
	p, _, err := checkpoints.Load(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := graph.NewEvaluator(p, 10)
	defer ev.Close()
	orig, err := ev.Predict(dataset.Floats(set.Limit(10)))
	if err != nil {
		t.Fatal(err)
	}
	guesses := regexp.MustCompile(`\.png: (?:not sure: [^;]*; )?guess (\d)`).FindAllStringSubmatch(out, -1)
	agree := 0
	for i, m := range guesses {
		if m[1] == fmt.Sprint(orig[i]) {
			agree++
		}
	}
	if len(guesses) != 10 || agree < 9 || strings.Count(out, "┌") != 10 {
		t.Fatalf("predict agrees with the guesses on the original digits %v for %d of 10:\n%s", orig, agree, out)
	}
	text := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(text, []byte("not a picture"), 0o644)
	if out, err := runCmd("predict", "--checkpoint", ckpt, text); err == nil || !strings.Contains(err.Error(), "1 of 1 files not read") || !strings.Contains(out, "notes.png: not a PNG, JPEG or GIF") {
		t.Fatalf("predict on a text file: %v\n%s", err, out)
	}
}
