package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/draw"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
)

// writeNumberPNG writes a photo of MNIST test digits idx side by side.
func writeNumberPNG(t *testing.T, path string, idx ...int) {
	t.Helper()
	ink, w := numberInk(t, idx)
	img := augment.Photo{Scale: 3, Light: 0.25, Noise: 0.02}.DrawInk(ink, w, 28, rand.New(rand.NewPCG(3, 4)))
	writeImage(t, path, img)
}

// writeLinesPNG writes a photo of MNIST test digits top side by side, and bottom in a
// line below them.
func writeLinesPNG(t *testing.T, path string, top, bottom []int) {
	t.Helper()
	a, aw := numberInk(t, top)
	b, bw := numberInk(t, bottom)
	ink, w, h := augment.Lines([][]float32{a, b}, []int{aw, bw}, 28, 12, []int{0, 10})
	writeImage(t, path, augment.Photo{Scale: 3, Light: 0.25, Noise: 0.02}.DrawInk(ink, w, h, rand.New(rand.NewPCG(3, 4))))
}

// numberInk is the ink of MNIST test digits idx side by side, 5 pixels apart, and its
// width.
func numberInk(t *testing.T, idx []int) ([]float32, int) {
	t.Helper()
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		t.Fatal(err)
	}
	x := dataset.Floats(set)
	var digits [][]float32
	var gaps []int
	for j, i := range idx {
		digits = append(digits, x[i*784:(i+1)*784])
		if j > 0 {
			gaps = append(gaps, 5)
		}
	}
	return augment.Number(digits, 28, gaps)
}

func writeImage(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRead reads a photographed number, two numbers one above the other and a blank
// picture: the number is printed with its digits (as text and as JSON with exactly the
// documented fields), the two lines a line each, the blank file is an error naming it,
// and the other file is still read.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	number, blank := filepath.Join(dir, "number.png"), filepath.Join(dir, "blank.png")
	writeNumberPNG(t, number, 1, 0, 4) // 2, 7, 4
	white := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range white.Pix {
		white.Pix[i] = 250
	}
	writeImage(t, blank, white)

	out, err := runCmd("read", number)
	if err != nil || !strings.HasPrefix(out, number+": 274 (2 ") {
		t.Fatalf("read: %v\n%s", err, out)
	}
	lines := filepath.Join(dir, "lines.png")
	writeLinesPNG(t, lines, []int{1, 0, 4}, []int{2, 3}) // 274 over 10
	out, err = runCmd("read", lines)
	if err != nil || !strings.HasPrefix(out, lines+": 274 (2 ") || !strings.Contains(out, ")\n  10 (1 ") {
		t.Fatalf("read two lines: %v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"read", "--json", blank, number}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 files not read") ||
		!strings.Contains(stderr.String(), blank+": no digits found") {
		t.Fatalf("read of a blank picture: %v\n%s", err, stderr.String())
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(stdout.Bytes(), &obj); err != nil {
		t.Fatalf("--json printed %q: %v", stdout.String(), err)
	}
	if keys := sortedKeys(obj); !slices.Equal(keys, []string{"digits", "file", "text"}) {
		t.Errorf("JSON fields %v, want digits, file, text", keys)
	}
	var digits []map[string]json.RawMessage
	if err := json.Unmarshal(obj["digits"], &digits); err != nil || len(digits) != 3 {
		t.Fatalf("digits %s: %v", obj["digits"], err)
	}
	if keys := sortedKeys(digits[0]); !slices.Equal(keys, []string{"box", "digit", "digit_like", "line", "probability", "sure"}) {
		t.Errorf("a digit's JSON fields %v, want box, digit, digit_like, line, probability, sure", keys)
	}
	var box [4]int
	if err := json.Unmarshal(digits[0]["box"], &box); err != nil || box[0] >= box[2] || box[1] >= box[3] {
		t.Errorf("box %s: want [x0, y0, x1, y1]", digits[0]["box"])
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestPredictNotSure: a picture of a 4 and a 9 drawn over each other (MNIST's test
// images 4 and 7, at 0.32 and 0.68 of full strength: where the built-in committee's
// answers are near even, 51% and 49%) gets "not sure: 4 or 9", not a silent guess.
func TestPredictNotSure(t *testing.T) {
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		t.Fatal(err)
	}
	x := dataset.Floats(set)
	both := make([]float32, 784)
	for i := range both {
		both[i] = 0.32*x[4*784+i] + 0.68*x[7*784+i]
	}
	path := filepath.Join(t.TempDir(), "four-or-nine.png")
	writeImage(t, path, augment.Photo{}.Draw(both, 28, rand.New(rand.NewPCG(5, 6))))
	out, err := runCmd("predict", path)
	if err != nil || !(strings.Contains(out, "not sure: 4 or 9") || strings.Contains(out, "not sure: 9 or 4")) {
		t.Fatalf("predict on a 4 drawn over a 9: %v\n%s", err, out)
	}
}

// TestPredictGoesOn: predict says which file it cannot read and goes on to the next, as
// read does; the exit status says some were not read.
func TestPredictGoesOn(t *testing.T) {
	dir := t.TempDir()
	broken, digit := filepath.Join(dir, "broken.png"), filepath.Join(dir, "digit.png")
	os.WriteFile(broken, []byte("not a picture"), 0o644)
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		t.Fatal(err)
	}
	writeImage(t, digit, augment.Photo{}.Draw(dataset.Floats(set)[:784], 28, rand.New(rand.NewPCG(5, 6)))) // a 7
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"predict", broken, digit}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 files not read") ||
		!strings.Contains(stderr.String(), broken+": not a PNG, JPEG or GIF image") || !strings.Contains(stdout.String(), digit+": guess 7") {
		t.Fatalf("predict on a broken file, then a 7: %v\nstdout %s\nstderr %s", err, stdout.String(), stderr.String())
	}
}

// TestPredictNotADigit: a capital A (typeset large in Go Regular) is no digit: the
// model alone reads it as a 4 at 99.98%; predict says it is not sure it is a digit.
func TestPredictNotADigit(t *testing.T) {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 120, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	img := image.NewGray(image.Rect(0, 0, 200, 200))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	(&font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(40, 150)}).DrawString("A")
	path := filepath.Join(t.TempDir(), "A.png")
	writeImage(t, path, img)
	out, err := runCmd("predict", path)
	if err != nil || !strings.Contains(out, "not sure it is a digit (digit-like ") {
		t.Fatalf("predict on a capital A: %v\n%s", err, out)
	}
}
