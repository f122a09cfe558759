package robust

import (
	"math"
	"math/rand/v2"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
)

// Proxy is a set made from the test digits that stands for handwriting the built-in
// model was measured weak on outside MNIST: the digits of one class (or all, Digit -1)
// changed by Apply.
type Proxy struct {
	Name  string
	Digit int
	Apply func(dst, src []float32, side int, rng *rand.Rand)
}

// Proxies stand for the weaknesses measured on handwriting outside MNIST: 4s with a
// closed top read as 6, plain upright 1s read as 7, 4 or 8, bold digits whose loops
// are nearly filled read as 0, digits scanned at 8x8 and scaled up.
var Proxies = []Proxy{
	{"4s with a closed top", 4, closeTop},
	{"1s made upright", 1, upright},
	{"bold, loops nearly filled", -1, boldFilled},
	{"scanned at 8x8", -1, func(dst, src []float32, side int, rng *rand.Rand) {
		lowRes.Apply(dst, src, side, 8, rng)
	}},
}

var lowRes = func() augment.Corruption {
	for _, c := range augment.Corruptions {
		if c.Name == "low resolution" {
			return c
		}
	}
	panic("augment has no low resolution corruption")
}()

// ProxyScore is a model's accuracy on a proxy's images.
type ProxyScore struct {
	Name     string  `json:"name"`
	Images   int     `json:"images"`
	Accuracy float64 `json:"accuracy"`
}

// runProxies scores ev's model on each proxy made from set.
func runProxies(ev *graph.Evaluator, set *dataset.Set, seed uint64, r *Result) error {
	clean := dataset.Floats(set)
	for k, p := range Proxies {
		var x []float32
		var labels []byte
		for i, l := range set.Labels {
			if p.Digit >= 0 && int(l) != p.Digit {
				continue
			}
			dst := make([]float32, dataset.Pixels)
			p.Apply(dst, clean[i*dataset.Pixels:(i+1)*dataset.Pixels], dataset.Side, augment.Rand(seed+200+uint64(k), 1, i))
			x, labels = append(x, dst...), append(labels, l)
		}
		acc, err := accuracy(ev, x, labels)
		if err != nil {
			return err
		}
		r.Proxies = append(r.Proxies, ProxyScore{Name: p.Name, Images: len(labels), Accuracy: acc})
	}
	return nil
}

// closeTop joins the tops of a 4's two arms with a stroke as thick as the digit's, as
// people who close their 4s write them.
func closeTop(dst, src []float32, side int, _ *rand.Rand) {
	copy(dst, src)
	x0, x1, _, _ := inkBox(src, side)
	mid := (x0 + x1) / 2
	top := func(lo, hi int) (int, int, bool) { // the highest ink pixel in columns [lo, hi)
		for y := range side {
			for x := lo; x < hi; x++ {
				if src[y*side+x] > 0.5 {
					return x, y, true
				}
			}
		}
		return 0, 0, false
	}
	lx, ly, ok1 := top(x0, mid)
	rx, ry, ok2 := top(mid, x1+1)
	if !ok1 || !ok2 {
		return
	}
	augment.Line(dst, side, float64(lx), float64(ly), float64(rx), float64(ry), augment.StrokeRadius(src, side), 1)
}

// upright removes a digit's slant: each row shifted so that the ink's principal axis
// stands vertical (the moments' shear, as deskewing does), sampled bilinearly.
func upright(dst, src []float32, side int, _ *rand.Rand) {
	var m, mx, my float64
	for y := range side {
		for x := range side {
			v := float64(src[y*side+x])
			m, mx, my = m+v, mx+v*float64(x), my+v*float64(y)
		}
	}
	if m == 0 {
		copy(dst, src)
		return
	}
	cx, cy := mx/m, my/m
	var sxy, syy float64
	for y := range side {
		for x := range side {
			v := float64(src[y*side+x])
			sxy += v * (float64(x) - cx) * (float64(y) - cy)
			syy += v * (float64(y) - cy) * (float64(y) - cy)
		}
	}
	skew := sxy / syy
	for y := range side {
		for x := range side {
			sx := float64(x) + skew*(float64(y)-cy) // where this pixel's ink comes from
			x0 := int(math.Floor(sx))
			f := float32(sx - float64(x0))
			at := func(x int) float32 {
				if x < 0 || x >= side {
					return 0
				}
				return src[y*side+x]
			}
			dst[y*side+x] = (1-f)*at(x0) + f*at(x0+1)
		}
	}
}

// boldFilled thickens the strokes by a pixel and fills the holes left of up to 12
// pixels but for one pixel: a bold pen whose loops nearly close.
func boldFilled(dst, src []float32, side int, rng *rand.Rand) {
	augment.Thicken(dst, src, side, 1, rng)
	seen := make([]bool, side*side)
	var stack, hole []int
	for start := range dst {
		if seen[start] || dst[start] >= 0.5 {
			continue
		}
		// One connected region of background: a hole unless it reaches the border.
		hole, border := hole[:0], false
		stack = append(stack[:0], start)
		seen[start] = true
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			hole = append(hole, p)
			x, y := p%side, p/side
			if x == 0 || y == 0 || x == side-1 || y == side-1 {
				border = true
			}
			for _, q := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
				if q[0] < 0 || q[1] < 0 || q[0] >= side || q[1] >= side {
					continue
				}
				if i := q[1]*side + q[0]; !seen[i] && dst[i] < 0.5 {
					seen[i] = true
					stack = append(stack, i)
				}
			}
		}
		if !border && len(hole) <= 12 {
			// Filled but for the pixel nearest the hole's centre.
			var cx, cy float64
			for _, p := range hole {
				cx, cy = cx+float64(p%side), cy+float64(p/side)
			}
			cx, cy = cx/float64(len(hole)), cy/float64(len(hole))
			keep := hole[0]
			for _, p := range hole {
				if math.Hypot(float64(p%side)-cx, float64(p/side)-cy) < math.Hypot(float64(keep%side)-cx, float64(keep/side)-cy) {
					keep = p
				}
			}
			for _, p := range hole {
				if p != keep {
					dst[p] = 1
				}
			}
		}
	}
}

// inkBox is the box of the pixels above half ink: columns x0..x1, rows y0..y1.
func inkBox(px []float32, side int) (x0, x1, y0, y1 int) {
	x0, y0 = side, side
	for i, v := range px {
		if v > 0.5 {
			x, y := i%side, i/side
			x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
		}
	}
	return x0, x1, y0, y1
}
