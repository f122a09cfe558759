package robust

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
)

// TestUprightOnes reads pictures of the digit 1 written the ways MNIST's rarely is:
// upright, with a flag at the top, with a flag and a base, leaning either way, with pens
// from thin to bold (6-15% of the digit's height; MNIST's strokes are about 12%) and in
// pictures from 16 to 80 pixels high (low-resolution scans to photos), dark on light,
// through the preprocessing of predict, draw and test --images. Plain upright 1s were the
// digit most misread in the handwriting that issue 13 reports (61%, as 4, 8 or 7).
//
// maxWrongOnes is a regression pin, not a target: it is what the built-in model scores
// today (104 of 108 read as a 1), so the test fails when a new built-in model or a change
// of preprocessing reads fewer. The four it misses all have a flag: two thin ones 24 and
// 40 px high leaning right read as 7s (a long flag on a thin stroke), a bold one 16 px
// high leaning right and one 24 px high leaning left read as 9s. The committee of five
// before it missed three.
func TestUprightOnes(t *testing.T) {
	const maxWrongOnes = 4
	ev := builtin(t)
	wrong := 0
	for _, height := range []int{16, 24, 40, 80} {
		for _, pen := range []float64{0.06, 0.1, 0.15} { // of the height
			for _, style := range []struct{ flag, base bool }{{false, false}, {true, false}, {true, true}} {
				for _, slant := range []float64{-0.15, 0, 0.15} {
					x, err := preprocess.Digit(drawOne(height*3/4, height, max(pen*float64(height), 1.5), style.flag, style.base, slant))
					if err != nil {
						t.Fatal(err)
					}
					probs, err := ev.Probabilities(x)
					if err != nil {
						t.Fatal(err)
					}
					if got := graph.Argmax(probs, dataset.Digits)[0]; got != 1 {
						wrong++
						t.Logf("a 1 %d px high, pen %.2f, flag %v, base %v, slant %.2f read as %d (%.2f)", height, pen, style.flag, style.base, slant, got, probs[got])
					}
				}
			}
		}
	}
	if t.Logf("%d of 108 misread", wrong); wrong > maxWrongOnes {
		t.Errorf("%d of 108 pictures of a 1 misread, want at most %d (the built-in model's score when the pin was set)", wrong, maxWrongOnes)
	}
}

// drawOne draws a 1 dark on light in a w x h picture: a stroke of width pen from near
// the top to near the bottom, leaning right by slant (of its height), optionally with a
// flag down to the left from its top and a base across its foot.
func drawOne(w, h int, pen float64, flag, base bool, slant float64) image.Image {
	img := image.NewGray(image.Rect(0, 0, w, h))
	type seg struct{ x0, y0, x1, y1 float64 }
	cx, top, foot := float64(w)/2, 0.12*float64(h), 0.88*float64(h)
	lean := slant * (foot - top) / 2
	segs := []seg{{cx + lean, top, cx - lean, foot}}
	if flag {
		segs = append(segs, seg{cx + lean, top, cx - 0.22*float64(w), top + 0.2*float64(h)})
	}
	if base {
		segs = append(segs, seg{cx - 0.2*float64(w), foot, cx + 0.2*float64(w), foot})
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(255)
			for _, s := range segs { // distance from the pixel's centre to the segment
				px, py, dx, dy := float64(x)+0.5, float64(y)+0.5, s.x1-s.x0, s.y1-s.y0
				u := math.Max(0, math.Min(1, ((px-s.x0)*dx+(py-s.y0)*dy)/(dx*dx+dy*dy)))
				if math.Hypot(px-(s.x0+u*dx), py-(s.y0+u*dy)) < pen/2 {
					v = 20
				}
			}
			img.SetGray(x, y, color.Gray{v})
		}
	}
	return img
}
