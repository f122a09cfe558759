package preprocess

import (
	"errors"
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/lenet/lenet/internal/knobs"
)

// squared draws a 240 x 240 page of squared paper (light blue lines 2 pixels wide, 24
// apart, darker where they cross) and, with one, a 1 in dark blue ink written along the
// upright line at x = 120, from y = 80 to 150, 3 pixels wide.
func squared(one bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 240, 240))
	for y := range 240 {
		for x := range 240 {
			v := [3]float64{235, 235, 228} // the paper
			for _, on := range []bool{x%24 == 0 || x%24 == 1, y%24 == 0 || y%24 == 1} {
				if on { // a line lets through 80% of the light, two crossing 64%
					v = [3]float64{v[0] * 0.7, v[1] * 0.8, v[2] * 0.95}
				}
			}
			if one && x >= 119 && x <= 121 && y >= 80 && y < 150 {
				v = [3]float64{30, 40, 120}
			}
			img.Set(x, y, color.RGBA{uint8(v[0]), uint8(v[1]), uint8(v[2]), 255})
		}
	}
	return img
}

// TestWritingAlongALineIsKept: a 1 written exactly along a squared page's upright line
// is found whole, although the line under it is erased; before knobs.StrongLine (every
// pixel on a line erased, +Inf) it vanished with the line. The grid alone, crossings
// included, holds no ink.
func TestWritingAlongALineIsKept(t *testing.T) {
	tallest := func() int {
		p, err := Analyse(squared(true))
		if errors.Is(err, ErrBlank) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		h := 0
		for _, m := range p.Marks {
			h = max(h, m.Y1-m.Y0)
		}
		return h
	}
	if h := tallest(); h < 65 {
		t.Errorf("the 1 along the line: tallest mark %d pixels high, want about 70", h)
	}
	if _, err := Analyse(squared(false)); !errors.Is(err, ErrBlank) {
		t.Errorf("squared paper alone: %v, want ErrBlank", err)
	}
	was := knobs.StrongLine
	defer func() { knobs.StrongLine = was }()
	knobs.StrongLine = math.Inf(1)
	if h := tallest(); h >= 65 {
		t.Errorf("with every pixel on a line erased the 1 is still %d pixels high: the test cannot tell", h)
	}
}
