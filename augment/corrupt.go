package augment

import (
	"image"
	"math"
	"math/rand/v2"

	"golang.org/x/image/draw"
)

// A Corruption is one family of the robustness suite (after MNIST-C, Mu and Gilmer
// 2019): a way handwriting outside MNIST differs from MNIST's test digits, applied to a
// side x side image (ink 1 on 0) at a strength. Strength 0 leaves the image as it is.
type Corruption struct {
	Name      string    // translate, rotate, ...
	Unit      string    // what a strength measures
	Strengths []float64 // the levels the suite tests, mildest first
	// Apply writes src corrupted at strength into dst, drawing what is random from rng.
	Apply func(dst, src []float32, side int, strength float64, rng *rand.Rand)
}

// Corruptions are the suite's families that act on the image alone (the suite adds
// "picture": the path a photographed or scanned digit takes through preprocessing).
var Corruptions = []Corruption{
	{"translate", "pixels, in a random direction", []float64{1, 2, 3, 4}, translate},
	{"rotate", "degrees, either way", []float64{10, 20, 30, 45}, rotate},
	{"smaller", "times the size", []float64{0.9, 0.75, 0.6}, scale},
	{"larger", "times the size", []float64{1.15, 1.3}, scale},
	{"shear", "horizontal shift per row, either way", []float64{0.2, 0.4, 0.6}, shear},
	{"thinner", "pixels less stroke radius", []float64{0.5, 1, 1.5}, thinner},
	{"thicker", "pixels more stroke radius", []float64{0.5, 1, 1.5}, Thicken},
	{"blur", "Gaussian sigma in pixels", []float64{0.5, 1, 1.5, 2}, blurImage},
	{"noise", "Gaussian sigma", []float64{0.1, 0.2, 0.3, 0.5}, gaussianNoise},
	{"salt-and-pepper", "fraction of pixels", []float64{0.02, 0.05, 0.1, 0.2}, saltAndPepper},
	{"low resolution", "pixels a side, then back to 28", []float64{20, 14, 10, 7}, lowResolution},
	{"elastic", "alpha (sigma 4)", []float64{20, 34, 50}, elastic},
}

// sign is -1 or 1 with equal odds.
func sign(rng *rand.Rand) float64 { return float64(2*rng.IntN(2) - 1) }

func translate(dst, src []float32, side int, s float64, rng *rand.Rand) {
	a := 2 * math.Pi * rng.Float64()
	Warp(dst, src, side, Transform{DX: s * math.Cos(a), DY: s * math.Sin(a), Scale: 1})
}

func rotate(dst, src []float32, side int, s float64, rng *rand.Rand) {
	Warp(dst, src, side, Transform{Degrees: s * sign(rng), Scale: 1})
}

func scale(dst, src []float32, side int, s float64, _ *rand.Rand) {
	if s == 0 {
		s = 1
	}
	Warp(dst, src, side, Transform{Scale: s})
}

func shear(dst, src []float32, side int, s float64, rng *rand.Rand) {
	Warp(dst, src, side, Transform{Scale: 1, Shear: s * sign(rng)})
}

func thinner(dst, src []float32, side int, r float64, rng *rand.Rand) {
	Thicken(dst, src, side, -r, rng)
}

// Thicken makes strokes thicker by r pixels of radius, or thinner when r < 0: a grey
// dilation (erosion) by a disc of radius |r|, the maximum (minimum) over it, with a
// fractional radius blending the two nearest whole ones. A pen's width is what it
// changes; the path of the stroke stays.
func Thicken(dst, src []float32, side int, r float64, _ *rand.Rand) {
	new(morpher).thicken(dst, src, side, r)
}

// morpher keeps the scratch of thickening: a second radius and a padded image.
type morpher struct{ second, pad []float32 }

// thicken is Thicken; dst and src must differ.
func (m *morpher) thicken(dst, src []float32, side int, r float64) {
	lo := math.Floor(math.Abs(r))
	frac := math.Abs(r) - lo
	m.morph(dst, src, side, int(lo), r > 0)
	if frac == 0 {
		return
	}
	if len(m.second) < len(src) {
		m.second = make([]float32, len(src))
	}
	m.morph(m.second, src, side, int(lo)+1, r > 0)
	for i := range dst {
		dst[i] = float32((1-frac)*float64(dst[i]) + frac*float64(m.second[i]))
	}
}

// morph writes the grey dilation (or erosion) of img by the disc of radius r into out;
// outside the image is background. The image is padded with background, then every
// offset of the disc is one pass over it: no bounds to check per neighbour.
func (m *morpher) morph(out, img []float32, side, r int, dilate bool) {
	copy(out, img)
	if r == 0 {
		return
	}
	w := side + 2*r
	if len(m.pad) < w*w {
		m.pad = make([]float32, w*w)
	}
	pad := m.pad[:w*w]
	clear(pad)
	for y := 0; y < side; y++ {
		copy(pad[(y+r)*w+r:], img[y*side:(y+1)*side])
	}
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if dx*dx+dy*dy > r*r || (dx == 0 && dy == 0) {
				continue
			}
			for y := 0; y < side; y++ {
				row, from := out[y*side:(y+1)*side], pad[(y+r+dy)*w+r+dx:][:side]
				if dilate {
					for x, u := range from {
						row[x] = max(row[x], u)
					}
				} else {
					for x, u := range from {
						row[x] = min(row[x], u)
					}
				}
			}
		}
	}
}

func blurImage(dst, src []float32, side int, sigma float64, _ *rand.Rand) {
	if sigma == 0 {
		copy(dst, src)
		return
	}
	f, tmp := make([]float64, len(src)), make([]float64, len(src))
	for i, v := range src {
		f[i] = float64(v)
	}
	blur(f, tmp, side, Gaussian(sigma))
	for i, v := range f {
		dst[i] = float32(min(1, max(0, v)))
	}
}

func gaussianNoise(dst, src []float32, _ int, sigma float64, rng *rand.Rand) {
	for i, v := range src {
		dst[i] = float32(min(1, max(0, float64(v)+rng.NormFloat64()*sigma)))
	}
}

func saltAndPepper(dst, src []float32, _ int, p float64, rng *rand.Rand) {
	for i, v := range src {
		if rng.Float64() < p {
			v = float32(rng.IntN(2))
		}
		dst[i] = v
	}
}

// lowResolution scales the image down to n x n pixels and back up, as a scan or photo
// at low resolution would be.
func lowResolution(dst, src []float32, side int, n float64, _ *rand.Rand) {
	if n == 0 || int(n) >= side {
		copy(dst, src)
		return
	}
	full := image.NewGray16(image.Rect(0, 0, side, side))
	for i, v := range src {
		full.Pix[2*i], full.Pix[2*i+1] = uint8(uint16(v*0xffff)>>8), uint8(uint16(v*0xffff))
	}
	small := image.NewGray16(image.Rect(0, 0, int(n), int(n)))
	draw.CatmullRom.Scale(small, small.Bounds(), full, full.Bounds(), draw.Src, nil)
	draw.BiLinear.Scale(full, full.Bounds(), small, small.Bounds(), draw.Src, nil)
	for i := range dst {
		dst[i] = float32(uint16(full.Pix[2*i])<<8|uint16(full.Pix[2*i+1])) / 0xffff
	}
}

func elastic(dst, src []float32, side int, alpha float64, rng *rand.Rand) {
	NewDistorter(Params{Elastic: Elastic{Alpha: alpha, Sigma: 4}}, side).Apply(dst, src, rng)
}
