package augment

import (
	"math"
	"math/rand/v2"
)

// AddFlag gives the 1 in the side x side image img (ink 1 on 0) a flag, in place: a
// straight stroke as wide as its stem, from the stem's top down to the left, 25 to 60
// degrees below the horizontal and a fifth to 45% of the digit's height long, as most of
// the world outside North America writes a 1 (MNIST's writers were American: their 1s
// are mostly bare strokes, and a model trained on them reads a flagged 1 as a 7). The
// flag is drawn on the writer's own 1, not from a template, so what it teaches comes from
// real strokes; its angle stays clear of a 7's bar, which is near horizontal and longer.
// An image with less than 8 rows of ink is left as it is. Hand-written: no image library
// draws a stroke into a float image with the digit's own pen.
func AddFlag(img []float32, side int, rng *rand.Rand) {
	top, bottom := -1, -1
	var peak float32
	for y := range side {
		for _, v := range img[y*side : (y+1)*side] {
			peak = max(peak, v)
			if v > 0.5 {
				if top < 0 {
					top = y
				}
				bottom = y
				break
			}
		}
	}
	height := bottom - top + 1
	if top < 0 || height < 8 {
		return
	}
	// The stem's width: its ink per row, on average.
	var ink float64
	for _, v := range img[top*side : (bottom+1)*side] {
		ink += float64(v)
	}
	half := math.Max(0.7, math.Min(3, ink/float64(height)/2))
	// Its top: the ink-weighted centre of its first two rows, half a pen below the edge.
	var sx, sw float64
	for y := top; y < min(top+2, side); y++ {
		for x, v := range img[y*side : (y+1)*side] {
			sx += float64(x) * float64(v)
			sw += float64(v)
		}
	}
	x0, y0 := sx/sw, float64(top)+half/2
	angle := (25 + 35*rng.Float64()) * math.Pi / 180
	length := (0.2 + 0.25*rng.Float64()) * float64(height)
	dx, dy := -math.Cos(angle), math.Sin(angle)
	if x1 := x0 + dx*length; x1 < 1 { // within the image
		length = (x0 - 1) / -dx
	}
	Line(img, side, x0, y0, x0+dx*length, y0+dy*length, half, peak)
}

// Line draws into the side x side image img a stroke of radius r from (ax, ay) to
// (bx, by), ink ink at its core, with a pixel's antialiasing; it keeps the darker ink
// where the stroke crosses img's.
func Line(img []float32, side int, ax, ay, bx, by, r float64, ink float32) {
	for y := max(0, int(math.Floor(min(ay, by)-r-1))); y <= min(side-1, int(math.Ceil(max(ay, by)+r+1))); y++ {
		for x := max(0, int(math.Floor(min(ax, bx)-r-1))); x <= min(side-1, int(math.Ceil(max(ax, bx)+r+1))); x++ {
			d := SegmentDistance(float64(x), float64(y), ax, ay, bx, by)
			if v := float32(math.Max(0, math.Min(1, r+0.5-d))) * ink; v > img[y*side+x] {
				img[y*side+x] = v
			}
		}
	}
}

// SegmentDistance is the distance from (px, py) to the segment (ax, ay)-(bx, by).
func SegmentDistance(px, py, ax, ay, bx, by float64) float64 {
	vx, vy := bx-ax, by-ay
	t := 0.0
	if l := vx*vx + vy*vy; l > 0 {
		t = math.Max(0, math.Min(1, ((px-ax)*vx+(py-ay)*vy)/l))
	}
	return math.Hypot(px-ax-t*vx, py-ay-t*vy)
}
