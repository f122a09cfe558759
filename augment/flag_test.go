package augment

import (
	"math"
	"slices"
	"testing"
)

// stem is a 28x28 image of a bare 1: a vertical stroke 2 pixels wide, rows 4 to 23.
func stem() []float32 {
	img := make([]float32, side*side)
	for y := 4; y <= 23; y++ {
		img[y*side+13], img[y*side+14] = 1, 1
	}
	return img
}

func TestAddFlagDrawsAFlagDownToTheLeft(t *testing.T) {
	const height = 20
	for i := range 200 {
		img, before := stem(), stem()
		AddFlag(img, side, Rand(1, 1, i))
		var added, ax, ay float64
		left := side
		for p, v := range img {
			if v < before[p] {
				t.Fatalf("draw %d: pixel (%d, %d) lost ink", i, p%side, p/side)
			}
			if d := float64(v - before[p]); d > 0 {
				x, y := p%side, p/side
				if x > 16 || y > 4+int(math.Ceil(0.45*height))+2 {
					t.Fatalf("draw %d: ink added at (%d, %d), not up and to the left of the stem's top", i, x, y)
				}
				added += d
				ax += d * float64(x)
				ay += d * float64(y)
				left = min(left, x)
			}
		}
		// At least a fifth of the height long at 60 degrees: reaches 2 columns left of the stem.
		if added < 2 || left > 11 {
			t.Fatalf("draw %d: flag of %.1f ink reaching column %d, want one reaching column 11 or further left", i, added, left)
		}
		if cx, cy := ax/added, ay/added; cx >= 13 || cy <= 4 {
			t.Fatalf("draw %d: the flag's centre (%.1f, %.1f) is not below the top and left of the stem", i, cx, cy)
		}
	}
}

func TestAddFlagLeavesSmallInkAlone(t *testing.T) {
	img := make([]float32, side*side)
	for y := 10; y < 15; y++ { // 5 rows: a dot or a dash, not a 1 to flag
		img[y*side+14] = 1
	}
	blank := make([]float32, side*side)
	for _, src := range [][]float32{img, blank} {
		got := slices.Clone(src)
		AddFlag(got, side, Rand(1, 1, 1))
		if !slices.Equal(got, src) {
			t.Fatal("AddFlag changed an image with fewer than 8 rows of ink")
		}
	}
}

// Flag changes 1s only, about its share of them, and images that are not 1s are
// distorted as without it.
func TestFlagShare(t *testing.T) {
	p := Params{Shift: 2, Rotate: 10, Blur: 0.5}
	withFlag := p
	withFlag.Flag = 0.5
	plain, flagged, only := NewDistorter(p, side), NewDistorter(withFlag, side), NewDistorter(Params{Flag: 0.5}, side)
	changed := 0
	for i := range 1000 {
		a, b := stem(), stem()
		distortEach(plain, a, []int{i}, []byte{7}, 3, 1)
		distortEach(flagged, b, []int{i}, []byte{7}, 3, 1)
		if !slices.Equal(a, b) {
			t.Fatalf("image %d labelled 7 changed by --flag", i)
		}
		c := stem()
		distortEach(only, c, []int{i}, []byte{1}, 3, 1)
		if !slices.Equal(c, stem()) {
			changed++
		}
	}
	if math.Abs(float64(changed)/1000-0.5) > 0.05 {
		t.Errorf("flag 0.5 changed %d of 1,000 1s", changed)
	}
	if err := (Params{Flag: 1.5}).Validate(); err == nil {
		t.Error("flag 1.5 accepted")
	}
}
