package reader

import (
	"context"
	"image"
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/preprocess"
)

// twoLines photographs MNIST's test digits top in a line and bottom in a line below it,
// gap pixels (at MNIST's scale) lower and shift pixels further right.
func twoLines(t *testing.T, top, bottom []int, gap, shift int) image.Image {
	t.Helper()
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		t.Fatal(err)
	}
	x := dataset.Floats(set)
	line := func(idx []int) ([]float32, int) {
		var ds [][]float32
		var gaps []int
		for j, i := range idx {
			ds = append(ds, x[i*784:(i+1)*784])
			if j > 0 {
				gaps = append(gaps, 5)
			}
		}
		return augment.Number(ds, 28, gaps)
	}
	a, aw := line(top)
	b, bw := line(bottom)
	ink, w, h := augment.Lines([][]float32{a, b}, []int{aw, bw}, 28, gap, []int{0, shift})
	photo := augment.Photo{Scale: 3, Light: 0.2, Noise: 0.02, Paper: color.RGBA{240, 232, 210, 255}}
	return photo.DrawInk(ink, w, h, rand.New(rand.NewPCG(1, 2)))
}

// TestReadLines: two numbers one above the other are read as two lines, top first,
// each digit with its line; close lines (a third of a digit's height apart) and a
// second line that starts further right too; Describe shows a line a line.
func TestReadLines(t *testing.T) {
	r := builtinReader(t)
	for _, c := range []struct {
		gap, shift int
	}{{10, 0}, {9, 30}} {
		// MNIST's test images 1, 0 and 4 are a 2, a 7 and a 4; 2 and 3 a 1 and a 0.
		reading, err := r.Read(context.Background(), twoLines(t, []int{1, 0, 4}, []int{2, 3}, c.gap, c.shift))
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for _, d := range reading.Digits {
			lines = append(lines, d.Line)
		}
		if reading.Text != "274\n10" || len(lines) != 5 || lines[2] != 0 || lines[3] != 1 {
			t.Errorf("gap %d, shift %d: read %q, lines %v; want 274 over 10", c.gap, c.shift, reading.Text, lines)
		}
		if got := Describe(reading); !strings.HasPrefix(got, "274 (2 ") || !strings.Contains(got, ")\n  10 (1 ") {
			t.Errorf("Describe: %q", got)
		}
	}
}

// TestFaintBarsAreNoLine: a line made only of thin upright bars fainter than the other
// line's writing (what a squared page's faint upright lines leave) is dropped; the same
// bars as dark as the writing are a line of 1s, and so is a picture of bars alone.
func TestFaintBarsAreNoLine(t *testing.T) {
	mark := func(x0, y0, x1, y1 int, ink float64) preprocess.Mark {
		area := (x1 - x0) * (y1 - y0)
		return preprocess.Mark{X0: x0, Y0: y0, X1: x1, Y1: y1, Area: area, Mass: ink * float64(area)}
	}
	number := []preprocess.Mark{mark(110, 90, 135, 130, 0.46), mark(150, 92, 170, 132, 0.46)} // "28"
	bars := func(ink float64) []preprocess.Mark {
		return []preprocess.Mark{mark(60, 20, 64, 60, ink), mark(148, 25, 152, 70, ink)}
	}
	count := func(marks []preprocess.Mark) int { return len(lineGroups(marks, DefaultCutting)) }
	if n := count(append(bars(0.29), number...)); n != 1 {
		t.Errorf("faint bars above a number: %d lines, want the number's alone", n)
	}
	if n := count(append(bars(0.45), number...)); n != 2 {
		t.Errorf("1s as dark as the number above it: %d lines, want 2", n)
	}
	if n := count(bars(0.29)); n != 1 {
		t.Errorf("faint bars alone: %d lines, want 1", n)
	}
}
