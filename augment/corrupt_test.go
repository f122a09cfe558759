package augment

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// stroke is a 28x28 image of a vertical bar, 3 pixels wide and 16 tall, at the centre.
func stroke() []float32 {
	img := make([]float32, side*side)
	for y := 6; y < 22; y++ {
		for x := 13; x < 16; x++ {
			img[y*side+x] = 1
		}
	}
	return img
}

func ink(img []float32) (sum float64) {
	for _, v := range img {
		sum += float64(v)
	}
	return sum
}

// TestCorruptionsAtZeroAreIdentity: every family at strength 0 leaves the image as it is.
func TestCorruptionsAtZeroAreIdentity(t *testing.T) {
	src := blob(12.3, 15.7, 3)
	for _, c := range Corruptions {
		t.Run(c.Name, func(t *testing.T) {
			dst := make([]float32, len(src))
			c.Apply(dst, src, side, 0, rand.New(rand.NewPCG(1, 2)))
			for i := range src {
				if math.Abs(float64(dst[i]-src[i])) > 1e-6 {
					t.Fatalf("pixel %d: %g, was %g", i, dst[i], src[i])
				}
			}
		})
	}
}

// TestCorruptionsAreDeterministic: the same generator state gives the same image, and
// every strength of the suite changes the image.
func TestCorruptionsAreDeterministic(t *testing.T) {
	src := stroke()
	for _, c := range Corruptions {
		for _, s := range c.Strengths {
			a, b := make([]float32, len(src)), make([]float32, len(src))
			c.Apply(a, src, side, s, rand.New(rand.NewPCG(3, 4)))
			c.Apply(b, src, side, s, rand.New(rand.NewPCG(3, 4)))
			if !slices.Equal(a, b) || slices.Equal(a, src) {
				t.Errorf("%s %g: not repeatable, or no change", c.Name, s)
			}
			for i, v := range a {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("%s %g: pixel %d = %g, outside [0,1]", c.Name, s, i, v)
				}
			}
		}
	}
}

func corruption(name string) Corruption {
	for _, c := range Corruptions {
		if c.Name == name {
			return c
		}
	}
	panic(name)
}

// TestTranslateMovesCentreOfMass: a shift of s pixels moves the centre of mass by s.
func TestTranslateMovesCentreOfMass(t *testing.T) {
	src := blob(13.5, 13.5, 2.5)
	cx, cy := centreOfMass(src)
	for _, s := range corruption("translate").Strengths {
		dst := make([]float32, len(src))
		translate(dst, src, side, s, rand.New(rand.NewPCG(5, uint64(s))))
		x, y := centreOfMass(dst)
		if d := math.Hypot(x-cx, y-cy); math.Abs(d-s) > 0.05 {
			t.Errorf("shift %g moved the centre of mass by %.3f", s, d)
		}
	}
}

// TestThicknessChangesInk: thicker strokes hold more ink, thinner less, the more so the
// greater the strength, and the stroke stays where it was.
func TestThicknessChangesInk(t *testing.T) {
	src := stroke()
	for _, c := range []Corruption{corruption("thinner"), corruption("thicker")} {
		prev := ink(src)
		for _, s := range c.Strengths {
			dst := make([]float32, len(src))
			c.Apply(dst, src, side, s, nil)
			n := ink(dst)
			if (c.Name == "thinner") != (n < prev) || n == prev {
				t.Errorf("%s %g: ink %.1f (the milder strength %.1f)", c.Name, s, n, prev)
			}
			if x, _ := centreOfMass(dst); math.Abs(x-14) > 0.01 {
				t.Errorf("%s %g moved the stroke to x = %.2f", c.Name, s, x)
			}
			prev = n
		}
	}
}

// TestShearSlantsLikeItalics: a positive shear moves the top of a vertical stroke right
// and its bottom left.
func TestShearSlantsLikeItalics(t *testing.T) {
	src := stroke()
	dst := make([]float32, len(src))
	Warp(dst, src, side, Transform{Scale: 1, Shear: 0.4})
	top, _ := centreOfMass(append(slices.Clone(dst[:side*side/2]), make([]float32, side*side/2)...))
	bottom, _ := centreOfMass(append(make([]float32, side*side/2), dst[side*side/2:]...))
	if !(top > 14.5 && bottom < 13.5) {
		t.Fatalf("shear 0.4: top half at x = %.2f, bottom half at x = %.2f (the stroke was at 14)", top, bottom)
	}
}

// TestNoiseAndSaltAndPepperStrengths: Gaussian noise of sigma s on a mid-grey image
// differs from it by s (root mean square); salt and pepper sets a fraction p of a
// mid-grey image's pixels to 0 or 1.
func TestNoiseAndSaltAndPepperStrengths(t *testing.T) {
	grey := make([]float32, side*side)
	for i := range grey {
		grey[i] = 0.5
	}
	dst := make([]float32, len(grey))
	gaussianNoise(dst, grey, side, 0.1, rand.New(rand.NewPCG(7, 7)))
	var ss float64
	for i := range dst {
		ss += math.Pow(float64(dst[i]-grey[i]), 2)
	}
	if rms := math.Sqrt(ss / float64(len(dst))); math.Abs(rms-0.1) > 0.01 {
		t.Errorf("noise 0.1: RMS difference %.3f", rms)
	}
	saltAndPepper(dst, grey, side, 0.2, rand.New(rand.NewPCG(8, 8)))
	changed := 0
	for i := range dst {
		if dst[i] != grey[i] {
			changed++
		}
	}
	if f := float64(changed) / float64(len(dst)); math.Abs(f-0.2) > 0.04 {
		t.Errorf("salt and pepper 0.2 changed %.3f of the pixels", f)
	}
}

// TestBlurAndLowResolutionSoften: both keep the ink roughly and lower the peak, more at
// greater strength.
func TestBlurAndLowResolutionSoften(t *testing.T) {
	src := stroke()
	for _, c := range []Corruption{corruption("blur"), corruption("low resolution")} {
		prevPeak := 1.0
		for _, s := range c.Strengths {
			dst := make([]float32, len(src))
			c.Apply(dst, src, side, s, nil)
			peak := float64(slices.Max(dst))
			if math.Abs(ink(dst)-ink(src)) > 0.15*ink(src) || peak > prevPeak+1e-6 {
				t.Errorf("%s %g: ink %.1f (was %.1f), peak %.3f (the milder level %.3f)", c.Name, s, ink(dst), ink(src), peak, prevPeak)
			}
			prevPeak = peak
		}
	}
}

// TestTrainingBlurSoftens: the blur distortion (sigma uniform in [0, 2]) lowers the
// peak, on average over 20 draws, and keeps the ink.
func TestTrainingBlurSoftens(t *testing.T) {
	src, dst := stroke(), make([]float32, side*side)
	d := NewDistorter(Params{Blur: 2}, side)
	var peaks float64
	for i := range 20 {
		d.Apply(dst, src, Rand(1, 1, i))
		peaks += float64(slices.Max(dst)) / 20
		if math.Abs(ink(dst)-ink(src)) > 0.1*ink(src) {
			t.Fatalf("draw %d: ink %.1f (was %.1f)", i, ink(dst), ink(src))
		}
	}
	if peaks > 0.9 {
		t.Fatalf("mean peak %.3f after blurring (was 1)", peaks)
	}
}
