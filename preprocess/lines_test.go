package preprocess

import (
	"errors"
	"image"
	"image/color"
	"math"
	"slices"
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

// softStretch draws squared paper (squared) whose upright line at x = 120 is soft on
// its right from y0 to y1: there it is 5 pixels wide, 3 more than the band the rest of
// it covers, too short a stretch to widen the band. With ring, a 0 in dark ink, 42
// across and 40 high, is written at x = 125..167, y = 62..102, touching the stretch.
func softStretch(y0, y1 int, ring bool) *image.RGBA {
	img := squared(false)
	for y := y0; y < y1; y++ {
		for x := 120; x <= 124; x++ {
			img.Set(x, y, color.RGBA{164, 188, 223, 255})
		}
	}
	if ring {
		for y := 62; y < 102; y++ {
			for x := 125; x < 167; x++ {
				if r := math.Hypot(float64(x)-146, float64(y)-82); r >= 17 && r <= 21 {
					img.Set(x, y, color.RGBA{30, 40, 120, 255})
				}
			}
		}
	}
	return img
}

// TestLineFringeIsErased: the 1-2 pixels a soft stretch of a line leaves beside its
// rims are erased with the line (dropFringe): alone they are not a 1 (offLines drops
// them too), and a 0 written against them is not joined by them to the picture's edge,
// its box stretched to the top (as without dropFringe).
func TestLineFringeIsErased(t *testing.T) {
	if p, err := Analyse(softStretch(20, 110, false)); !errors.Is(err, ErrBlank) {
		n := 0
		if err == nil {
			n = len(p.Marks)
		}
		t.Errorf("squared paper with a soft stretch of line: %v, %d marks, want ErrBlank", err, n)
	}
	p, err := Analyse(softStretch(0, 110, true))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Marks) != 1 {
		t.Fatalf("the 0 against the soft stretch: %d marks, want 1: %+v", len(p.Marks), p.Marks)
	}
	if m := p.Marks[0]; m.Y0 < 55 || m.Y1 > 110 || m.X0 < 115 {
		t.Errorf("the 0 against the soft stretch is the mark %+v, want about x 124-166, y 62-102", m)
	}
}

// TestGridRemnantsAreDropped: offGrid drops thin upright bars stacked in one column (a
// squared page's upright line that fell in and out of the mask), and keeps a lone bar
// (a 1), bars side by side (11), a bar over a round mark (1 over 0) and bars one above
// the other further apart across than a line tilts.
func TestGridRemnantsAreDropped(t *testing.T) {
	column := []Mark{{X0: 60, Y0: 10, X1: 63, Y1: 35}, {X0: 61, Y0: 60, X1: 64, Y1: 85}, {X0: 60, Y0: 110, X1: 63, Y1: 135}}
	writing := []Mark{
		{X0: 150, Y0: 50, X1: 153, Y1: 90},                                     // a 1
		{X0: 200, Y0: 50, X1: 203, Y1: 90}, {X0: 215, Y0: 50, X1: 218, Y1: 90}, // 11
		{X0: 20, Y0: 150, X1: 23, Y1: 185}, {X0: 10, Y0: 200, X1: 35, Y1: 235}, // a 1 over a 0
		{X0: 100, Y0: 10, X1: 103, Y1: 40}, {X0: 110, Y0: 60, X1: 113, Y1: 90}, // 1 over 1, 10 apart
	}
	kept := offGrid(append(slices.Clone(column), writing...))
	if !slices.Equal(kept, writing) {
		t.Errorf("kept %+v, want the writing %+v", kept, writing)
	}

	// The same in a picture: a faint upright line broken into three bars (too little of
	// the page for dropLines) and a dark 0 written beside it.
	img := image.NewRGBA(image.Rect(0, 0, 240, 240))
	for y := range 240 {
		for x := range 240 {
			v := color.RGBA{235, 235, 228, 255}
			if x >= 60 && x < 63 && (y%80 >= 10 && y%80 < 45) {
				v = color.RGBA{110, 130, 190, 255}
			}
			if r := math.Hypot(float64(x)-150, float64(y)-120); r >= 17 && r <= 21 {
				v = color.RGBA{30, 40, 120, 255}
			}
			img.Set(x, y, v)
		}
	}
	p, err := Analyse(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Marks) != 1 || p.Marks[0].X0 < 125 {
		t.Errorf("a broken faint line and a 0: marks %+v, want the 0 alone (about x 129-172)", p.Marks)
	}
}

// TestGridEndingAtALineIsErased: graph paper whose upright lines end at its last level
// line, 6 pixels from the picture's bottom (its printed border). Erasing the level line
// cuts the upright lines' ends off, short of the 3% of the edge a line must reach; they
// reach it through the crossing, so they are erased too, and a 0 written against one
// of them is found alone, not joined to a line the picture's height.
func TestGridEndingAtALineIsErased(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 240, 240))
	for y := range 240 {
		for x := range 240 {
			v := [3]float64{235, 235, 228}
			upright := (x%24 == 0 || x%24 == 1) && y <= 233
			level := (y%24 == 0 || y%24 == 1) && y <= 233 || y == 232 || y == 233
			if upright || level { // printed: no darker where they cross
				v = [3]float64{v[0] * 0.7, v[1] * 0.8, v[2] * 0.95}
			}
			if r := math.Hypot(float64(x)-140, float64(y)-110); r >= 17 && r <= 21 {
				v = [3]float64{30, 40, 120} // touches the upright line at x = 120
			}
			img.Set(x, y, color.RGBA{uint8(v[0]), uint8(v[1]), uint8(v[2]), 255})
		}
	}
	p, err := Analyse(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Marks) != 1 || p.Marks[0].Y1-p.Marks[0].Y0 > 50 || p.Marks[0].X0 < 115 {
		t.Errorf("graph paper and a 0 against a line: marks %+v, want the 0 alone (about x 119-162, y 89-132)", p.Marks)
	}
}
