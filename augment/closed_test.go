package augment

import (
	"slices"
	"testing"
)

// openFour is a 28x28 4 open at the top: a left arm down to a crossbar, and a stem.
func openFour() []float32 {
	img := make([]float32, side*side)
	Line(img, side, 8, 4, 8, 16, 1, 1)
	Line(img, side, 8, 16, 22, 16, 1, 1)
	Line(img, side, 18, 4, 18, 24, 1, 1)
	return img
}

func TestAddClosedTopJoinsTheArms(t *testing.T) {
	for i := range 200 {
		img, before := openFour(), openFour()
		AddClosedTop(img, side, Rand(1, 1, i))
		for p, v := range img {
			if v < before[p] {
				t.Fatalf("draw %d: pixel (%d, %d) lost ink", i, p%side, p/side)
			}
			if x, y := p%side, p/side; v > before[p] && (x < 7 || x > 19 || y > 4+5+2) {
				t.Fatalf("draw %d: ink added at (%d, %d), not between the arms' tops", i, x, y)
			}
		}
		// Between the arms, the stroke crosses the column in the middle.
		crossed := false
		for y := 3; y <= 11; y++ {
			if img[y*side+13] > 0.5 {
				crossed = true
			}
		}
		if !crossed {
			t.Fatalf("draw %d: no stroke between the arms", i)
		}
	}
}

func TestAddClosedTopLeavesOtherInkAlone(t *testing.T) {
	short := make([]float32, side*side)
	Line(short, side, 8, 10, 20, 14, 1, 1) // 5 rows of ink
	for _, src := range [][]float32{short, make([]float32, side*side)} {
		got := slices.Clone(src)
		AddClosedTop(got, side, Rand(1, 1, 1))
		if !slices.Equal(got, src) {
			t.Fatal("AddClosedTop changed an image with fewer than 8 rows of ink")
		}
	}
	if err := (Params{Close4: -0.1}).Validate(); err == nil {
		t.Error("close4 -0.1 accepted")
	}
}

func TestStrokeRadius(t *testing.T) {
	for _, r := range []float64{1, 2} {
		img := make([]float32, side*side)
		Line(img, side, 14, 4, 14, 24, r, 1)
		if got := StrokeRadius(img, side); got < 0.8*r || got > r+0.5 { // the ends' edges count too
			t.Errorf("a stroke of radius %g: StrokeRadius %.2f", r, got)
		}
	}
	if got := StrokeRadius(make([]float32, side*side), side); got != 1 {
		t.Errorf("blank image: %g, want 1", got)
	}
}
