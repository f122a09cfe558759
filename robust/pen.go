package robust

import (
	"math"
	"math/rand/v2"

	"github.com/lenet/lenet/augment"
)

// PenSide is the side of the ink images PenDigit draws.
const PenSide = 56

// stroke is a pen stroke: points in a unit box (x right, y down) the pen passes
// through, joined by a smooth curve.
type stroke [][2]float64

// penStyles are ways of writing each digit that MNIST's writers (American) use
// rarely or never beside the usual ones: 1s with a long flag or a foot, crossed 7s,
// 4s with a closed or an open top, 9s with a straight or a curled stem, 8s of two loops.
var penStyles = [10][][]stroke{
	{ // 0
		{ellipse(0.5, 0.5, 0.36, 0.48, 0)},
		{ellipse(0.5, 0.5, 0.3, 0.48, 0.5)},
	},
	{ // 1
		{{{0.5, 0}, {0.5, 1}}},
		{{{0.2, 0.3}, {0.6, 0}, {0.58, 1}}},
		{{{0.25, 0.25}, {0.55, 0}, {0.55, 1}}, {{0.25, 1}, {0.85, 1}}},
	},
	{ // 2
		{{{0.12, 0.25}, {0.45, 0}, {0.85, 0.2}, {0.7, 0.5}, {0.1, 1}, {0.9, 1}}},
		{{{0.15, 0.2}, {0.5, 0}, {0.8, 0.25}, {0.15, 0.95}, {0.3, 0.85}, {0.9, 1}}},
	},
	{ // 3
		{{{0.12, 0.12}, {0.55, 0}, {0.85, 0.2}, {0.4, 0.48}, {0.85, 0.7}, {0.55, 1}, {0.1, 0.88}}},
		{{{0.15, 0}, {0.85, 0}, {0.4, 0.42}, {0.85, 0.65}, {0.5, 1}, {0.1, 0.85}}},
	},
	{ // 4
		{{{0.65, 0}, {0.1, 0.68}, {0.95, 0.68}}, {{0.7, 0.35}, {0.7, 1}}},
		{{{0.15, 0}, {0.12, 0.6}, {0.9, 0.6}}, {{0.75, 0}, {0.75, 1}}},
		{{{0.7, 0.55}, {0.15, 0.6}, {0.55, 0.02}, {0.7, 0.05}, {0.72, 1}}},
	},
	{ // 5
		{{{0.85, 0}, {0.25, 0}, {0.2, 0.45}, {0.6, 0.38}, {0.85, 0.65}, {0.55, 1}, {0.12, 0.9}}},
		{{{0.25, 0.02}, {0.2, 0.45}, {0.6, 0.38}, {0.85, 0.65}, {0.55, 1}, {0.12, 0.9}}, {{0.25, 0}, {0.85, 0.02}}},
	},
	{ // 6
		{{{0.75, 0.03}, {0.35, 0.25}, {0.15, 0.65}, {0.35, 1}, {0.75, 0.9}, {0.75, 0.6}, {0.45, 0.48}, {0.2, 0.65}}},
		{{{0.6, 0}, {0.25, 0.45}, {0.2, 0.8}, {0.5, 1}, {0.8, 0.8}, {0.6, 0.55}, {0.25, 0.7}}},
	},
	{ // 7
		{{{0.1, 0}, {0.9, 0}, {0.35, 1}}},
		{{{0.1, 0.05}, {0.9, 0}, {0.4, 1}}, {{0.35, 0.5}, {0.85, 0.5}}},
		{{{0.1, 0.15}, {0.2, 0}, {0.9, 0.02}, {0.5, 0.5}, {0.45, 1}}},
	},
	{ // 8
		{ellipse(0.5, 0.25, 0.26, 0.24, 0), ellipse(0.5, 0.73, 0.33, 0.27, 0)},
		{{{0.55, 0.48}, {0.8, 0.2}, {0.5, 0}, {0.2, 0.2}, {0.5, 0.48}, {0.85, 0.75}, {0.5, 1}, {0.15, 0.75}, {0.55, 0.48}}},
	},
	{ // 9
		{ellipse(0.45, 0.28, 0.32, 0.28, 0), {{0.77, 0.25}, {0.75, 1}}},
		{ellipse(0.45, 0.28, 0.32, 0.28, 0), {{0.77, 0.3}, {0.7, 0.8}, {0.4, 1}}},
	},
}

// ellipse is a closed stroke around (cx, cy) with radii rx, ry, tilted by tilt radians.
func ellipse(cx, cy, rx, ry, tilt float64) stroke {
	var s stroke
	for i := range 17 {
		t := 2 * math.Pi * float64(i) / 16
		x, y := rx*math.Sin(t), -ry*math.Cos(t)
		s = append(s, [2]float64{cx + x*math.Cos(tilt) - y*math.Sin(tilt)*0.3, cy + y})
	}
	return s
}

// PenDigit draws the digit d as a pen on paper might, in one of penStyles' ways, not
// from any image: a writer outside MNIST. Its slant, width, stroke width (a fine pen to
// a marker) and the wobble of each point are random. It returns a PenSide x PenSide ink
// image (1 ink) with the digit about 40 of its pixels high.
func PenDigit(d int, rng *rand.Rand) []float32 {
	styles := penStyles[d]
	width := 0.55 + 0.4*rng.Float64()
	if d == 1 {
		width = 0.7
	}
	return penDraw(styles[rng.IntN(len(styles))], width, rng)
}

// penLetters are capital letters and shapes, written as PenDigit writes digits: what a
// picture holds that is not a digit.
var penLetters = [][]stroke{
	{{{0, 1}, {0.5, 0}, {1, 1}}, {{0.22, 0.6}, {0.78, 0.6}}},                     // A
	{{{0, 0}, {0, 1}}, {{1, 0}, {1, 1}}, {{0, 0.5}, {1, 0.5}}},                   // H
	{{{0, 0}, {0, 1}}, {{0.9, 0}, {0, 0.55}}, {{0.3, 0.4}, {1, 1}}},              // K
	{{{0, 1}, {0, 0}, {0.5, 0.6}, {1, 0}, {1, 1}}},                               // M
	{{{0, 0}, {0.25, 1}, {0.5, 0.3}, {0.75, 1}, {1, 0}}},                         // W
	{{{0, 0}, {1, 1}}, {{1, 0}, {0, 1}}},                                         // X
	{{{1, 0}, {0, 0}, {0, 1}, {1, 1}}, {{0, 0.5}, {0.7, 0.5}}},                   // E
	{{{0, 0}, {1, 0}}, {{0.5, 0}, {0.5, 1}}},                                     // T
	{{{0, 1}, {0, 0}, {1, 1}, {1, 0}}},                                           // N
	{{{0, 0}, {0.5, 0.5}, {1, 0}}, {{0.5, 0.5}, {0.5, 1}}},                       // Y
	{{{0, 0}, {1, 0}, {0, 1}, {1, 1}}},                                           // Z
	{{{0, 0}, {0.5, 1}, {1, 0}}},                                                 // V
	{{{0, 0}, {0, 1}, {1, 1}}},                                                   // L
	{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},                                   // a square
	{{{0.5, 0}, {1, 1}, {0, 1}, {0.5, 0}}},                                       // a triangle
	{{{0.5, 0}, {0.8, 1}, {0, 0.35}, {1, 0.35}, {0.2, 1}, {0.5, 0}}},             // a star
	{{{0, 0.5}, {1, 0.5}}, {{0.5, 0}, {0.5, 1}}},                                 // a plus
	{{{0, 0.3}, {0.25, 0.1}, {0.5, 0.3}, {0.75, 0.5}, {1, 0.3}}},                 // a wave
	{{{1, 0.2}, {0.5, 0}, {0, 0.25}, {0.5, 0.5}, {1, 0.75}, {0.5, 1}, {0, 0.8}}}, // S
	{{{0, 0}, {0, 1}}, {{0, 0}, {0.7, 0}, {1, 0.25}, {0.7, 0.5}, {0, 0.5}}},      // P
}

// PenLetter draws one of penLetters, as PenDigit draws digits.
func PenLetter(k int, rng *rand.Rand) []float32 {
	return penDraw(penLetters[k%len(penLetters)], 0.6+0.3*rng.Float64(), rng)
}

// penDraw draws strokes as a pen might (a random slant, stroke width and wobble), width
// wide for its height, in a PenSide x PenSide ink image.
func penDraw(strokes []stroke, width float64, rng *rand.Rand) []float32 {
	slant := (rng.Float64() - 0.3) * 0.5
	pen := 1.2 + 4*rng.Float64()*rng.Float64() // half the stroke width, in pixels
	return penStroke(strokes, width, slant, pen, 40, rng)
}

// penStroke draws strokes height pixels high, width wide for its height, slanted by
// slant (x moves right by slant per unit of height up), with a pen of half-width pen
// pixels and a random wobble of each point, in a PenSide x PenSide ink image.
func penStroke(strokes []stroke, width, slant, pen, height float64, rng *rand.Rand) []float32 {
	var segs [][4]float64
	for _, s := range strokes {
		var pts [][2]float64
		for _, p := range s {
			x := p[0] + 0.04*rng.NormFloat64()
			y := p[1] + 0.03*rng.NormFloat64()
			x = 0.5 + (x-0.5)*width + slant*(0.5-y)
			pts = append(pts, [2]float64{PenSide/2 + (x-0.5)*height, PenSide/2 + (y-0.5)*height})
		}
		curve := catmullRom(pts)
		for i := 1; i < len(curve); i++ {
			segs = append(segs, [4]float64{curve[i-1][0], curve[i-1][1], curve[i][0], curve[i][1]})
		}
	}
	out := make([]float32, PenSide*PenSide)
	for y := range PenSide {
		for x := range PenSide {
			px, py := float64(x), float64(y)
			dist := math.Inf(1)
			for _, s := range segs {
				dist = min(dist, augment.SegmentDistance(px, py, s[0], s[1], s[2], s[3]))
			}
			out[y*PenSide+x] = float32(max(0, min(1, pen+0.5-dist)))
		}
	}
	return out
}

// catmullRom is the smooth curve through pts, 8 points a span.
func catmullRom(pts [][2]float64) [][2]float64 {
	if len(pts) < 3 {
		return pts
	}
	at := func(i int) [2]float64 { return pts[max(0, min(len(pts)-1, i))] }
	var out [][2]float64
	for i := range len(pts) - 1 {
		p0, p1, p2, p3 := at(i-1), at(i), at(i+1), at(i+2)
		for k := range 8 {
			t := float64(k) / 8
			var q [2]float64
			for c := range 2 {
				q[c] = 0.5 * (2*p1[c] + (p2[c]-p0[c])*t + (2*p0[c]-5*p1[c]+4*p2[c]-p3[c])*t*t + (3*p1[c]-p0[c]-3*p2[c]+p3[c])*t*t*t)
			}
			out = append(out, q)
		}
	}
	return append(out, pts[len(pts)-1])
}
