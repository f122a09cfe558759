package augment

import (
	"math"
	"math/rand/v2"
)

// AddClosedTop closes the top of the 4 in the side x side image img (ink 1 on 0), in
// place: a straight stroke from the top of its left arm to its stem, at the stem's top or
// up to a fifth of the digit's height below it, as wide as its strokes, as many people
// write a 4 (a triangle on the stem) and as MNIST's writers mostly did not (its 4s are
// open at the top, and a model trained on them reads a closed one as a 9 or a 6). The
// stroke joins the writer's own arms, not a template's. An image with less than 8 rows
// of ink, or without ink on both sides of its middle, is left as it is. Hand-written,
// as AddFlag is.
func AddClosedTop(img []float32, side int, rng *rand.Rand) {
	x0, x1, top, bottom := side, -1, -1, -1
	var peak float32
	for i, v := range img {
		peak = max(peak, v)
		if v > 0.5 {
			x, y := i%side, i/side
			x0, x1 = min(x0, x), max(x1, x)
			if top < 0 {
				top = y
			}
			bottom = y
		}
	}
	height := bottom - top + 1
	if top < 0 || height < 8 {
		return
	}
	mid := (x0 + x1) / 2
	// highest finds the highest ink in columns [lo, hi) at or below row from.
	highest := func(lo, hi, from int) (float64, float64, bool) {
		for y := from; y < side; y++ {
			var sx, sw float64
			for x := lo; x < hi; x++ {
				if v := img[y*side+x]; v > 0.5 {
					sx += float64(x) * float64(v)
					sw += float64(v)
				}
			}
			if sw > 0 {
				return sx / sw, float64(y), true
			}
		}
		return 0, 0, false
	}
	lx, ly, ok1 := highest(x0, mid, top)
	sx, sy, ok2 := highest(mid, x1+1, top)
	if !ok1 || !ok2 {
		return
	}
	// Where the stroke meets the stem: its top, or lower down, on the stem's ink there.
	if down := int(sy) + int(math.Round(0.2*rng.Float64()*float64(height))); down > int(sy) {
		if x, y, ok := highest(mid, x1+1, down); ok && y == float64(down) {
			sx, sy = x, y
		}
	}
	Line(img, side, lx, ly, sx, sy, StrokeRadius(img, side), peak)
}

// StrokeRadius estimates the half width of the strokes in the side x side image img:
// the ink's area over its skeleton's length, taken as half its perimeter (the sum of
// the ink's changes between neighbouring pixels), between 0.8 and 2.5 pixels; 1 for a
// blank image.
func StrokeRadius(img []float32, side int) float64 {
	var ink, edges float64
	for _, v := range img {
		ink += float64(v)
	}
	for y := range side {
		for x := range side - 1 {
			edges += math.Abs(float64(img[y*side+x+1] - img[y*side+x]))
			edges += math.Abs(float64(img[x*side+y] - img[(x+1)*side+y]))
		}
	}
	if edges == 0 {
		return 1
	}
	return math.Max(0.8, math.Min(2.5, ink/edges))
}
