package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/bounds"
)

// Params sets the strength of each distortion; zero disables it.
type Params struct {
	Shift   float64 `json:"shift"`   // translation, uniform in ±Shift pixels on each axis
	Zoom    float64 `json:"zoom"`    // scale factor, uniform in [1-Zoom, 1+Zoom]
	Rotate  float64 `json:"rotate"`  // rotation, uniform in ±Rotate degrees
	Noise   float64 `json:"noise"`   // standard deviation of additive Gaussian pixel noise
	Elastic Elastic `json:"elastic"` // elastic distortion
	// Shear slants the digit by a horizontal shear uniform in ±Shear (pixels per row).
	Shear float64 `json:"shear,omitempty"`
	// Thickness changes the strokes' radius by a uniform ±Thickness pixels: a grey
	// dilation or erosion (Thicken), as thicker or thinner pens write.
	Thickness float64 `json:"thickness,omitempty"`
	// Blur softens the image by a Gaussian of standard deviation uniform in [0, Blur]
	// pixels, as a blurred photo or a low-resolution scan does.
	Blur float64 `json:"blur,omitempty"`
	// Clean is the share of images, drawn per image, left as they are.
	Clean float64 `json:"clean,omitempty"`
	// Flag is the share of 1s, drawn per image, given a flag (AddFlag) before the other
	// distortions: the 1 much of the world writes, which MNIST's writers rarely do.
	Flag float64 `json:"flag,omitempty"`
	// Close4 is the share of 4s, drawn per image, whose open top is closed
	// (AddClosedTop) before the other distortions.
	Close4 float64 `json:"close4,omitempty"`
}

// Elastic is Simard et al.'s (2003) elastic distortion: a random displacement field,
// uniform in [-1,1] per pixel and axis, smoothed by a Gaussian of standard deviation
// Sigma pixels and scaled by Alpha pixels. Alpha 0 disables it.
type Elastic struct {
	Alpha float64 `json:"alpha"`
	Sigma float64 `json:"sigma"`
}

// String is e as ALPHA,SIGMA, as Set reads it.
func (e *Elastic) String() string { return fmt.Sprintf("%g,%g", e.Alpha, e.Sigma) }

// Type names Set's format (for flag packages such as pflag).
func (e *Elastic) Type() string { return "ALPHA,SIGMA" }

// Set reads "ALPHA,SIGMA" (e.g. "8,4"; "0,0" disables it), as lenet's --elastic flag.
func (e *Elastic) Set(s string) error {
	a, sg, ok := strings.Cut(s, ",")
	alpha, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	sigma, err2 := strconv.ParseFloat(strings.TrimSpace(sg), 64)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("expected ALPHA,SIGMA, e.g. 8,4, or 0,0")
	}
	*e = Elastic{Alpha: alpha, Sigma: sigma}
	return nil
}

// IsZero reports whether p leaves every image as it is.
func (p Params) IsZero() bool { return p == Params{} }

// Validate refuses the first strength out of its range, named by its lenet flag.
func (p Params) Validate() error {
	if err := bounds.First(
		bounds.Float("shift", p.Shift, 0, 14, false),
		bounds.Float("zoom", p.Zoom, 0, 0.9, false),
		bounds.Float("rotate", p.Rotate, 0, 180, false),
		bounds.Float("noise", p.Noise, 0, 1, false),
		bounds.Float("shear", p.Shear, 0, 1, false),
		bounds.Float("thickness", p.Thickness, 0, 2, false),
		bounds.Float("blur", p.Blur, 0, 3, false),
		bounds.Float("clean", p.Clean, 0, 1, false),
		bounds.Float("flag", p.Flag, 0, 1, false),
		bounds.Float("close4", p.Close4, 0, 1, false),
		bounds.Float("elastic alpha", p.Elastic.Alpha, 0, 100, false),
		bounds.Float("elastic sigma", p.Elastic.Sigma, 0, 14, false),
	); err != nil {
		return err
	}
	if p.Elastic.Alpha > 0 && p.Elastic.Sigma < 0.5 {
		return fmt.Errorf("invalid --elastic %g,%g (expected a sigma of at least 0.5 with a non-zero alpha)", p.Elastic.Alpha, p.Elastic.Sigma)
	}
	return nil
}

// String describes p as a run's first line does.
func (p Params) String() string {
	if p.IsZero() {
		return "no distortions"
	}
	d := fmt.Sprintf("distortions shift %g px, zoom %g, rotate %g deg, noise %g, elastic %g,%g",
		p.Shift, p.Zoom, p.Rotate, p.Noise, p.Elastic.Alpha, p.Elastic.Sigma)
	if p.Shear != 0 || p.Thickness != 0 || p.Blur != 0 {
		d += fmt.Sprintf(", shear %g, thickness %g px, blur %g px", p.Shear, p.Thickness, p.Blur)
	}
	if p.Clean != 0 {
		d += fmt.Sprintf("; %g of the images as they are", p.Clean)
	}
	if p.Flag != 0 {
		d += fmt.Sprintf("; %g of the 1s given a flag", p.Flag)
	}
	if p.Close4 != 0 {
		d += fmt.Sprintf("; %g of the 4s closed at the top", p.Close4)
	}
	return d
}

// Rand returns the generator for one image: a PCG stream keyed by (seed, epoch, index),
// independent of which worker distorts the image and in what order.
func Rand(seed uint64, epoch, index int) *rand.Rand {
	return rand.New(rand.NewPCG(seed^0x9e3779b97f4a7c15, uint64(epoch)<<32|uint64(uint32(index))))
}

// Distorter applies Params to side x side images; it keeps scratch buffers, so each
// goroutine needs its own.
type Distorter struct {
	p              Params
	side           int
	dx, dy         []float64 // displacement field, (side, side)
	tmp            []float64 // scratch for the separable blur
	kernel         []float64 // Gaussian taps for the elastic field
	warped         []float32 // scratch: the image before its strokes change
	pens           morpher
	blurF, blurTmp []float64 // scratch of soften
}

// NewDistorter returns a Distorter for side x side images.
func NewDistorter(p Params, side int) *Distorter {
	d := &Distorter{p: p, side: side}
	if p.Elastic.Alpha != 0 && p.Elastic.Sigma > 0 {
		n := side * side
		d.dx, d.dy, d.tmp = make([]float64, n), make([]float64, n), make([]float64, n)
		d.kernel = Gaussian(p.Elastic.Sigma)
	}
	return d
}

// Apply writes the distortion of src into dst (both side*side, values in [0,1]).
func (d *Distorter) Apply(dst, src []float32, rng *rand.Rand) {
	if d.p.Clean > 0 && rng.Float64() < d.p.Clean { // drawn only when set: runs without it are unchanged
		copy(dst, src)
		return
	}
	t := Transform{
		Degrees: (2*rng.Float64() - 1) * d.p.Rotate,
		Scale:   1 + (2*rng.Float64()-1)*d.p.Zoom,
		DX:      (2*rng.Float64() - 1) * d.p.Shift,
		DY:      (2*rng.Float64() - 1) * d.p.Shift,
	}
	if d.p.Shear != 0 { // drawn after the others, so that runs without it are unchanged
		t.Shear = (2*rng.Float64() - 1) * d.p.Shear
	}
	if d.kernel != nil {
		d.field(rng)
	}
	if d.p.Thickness == 0 {
		warp(dst, src, d.side, t.inverse(d.side), d.dx, d.dy)
	} else {
		if d.warped == nil {
			d.warped = make([]float32, len(dst))
		}
		warp(d.warped, src, d.side, t.inverse(d.side), d.dx, d.dy)
		d.pens.thicken(dst, d.warped, d.side, (2*rng.Float64()-1)*d.p.Thickness)
	}
	if d.p.Blur > 0 {
		d.soften(dst, rng.Float64()*d.p.Blur)
	}
	if d.p.Noise > 0 {
		for i, v := range dst {
			dst[i] = float32(min(1, max(0, float64(v)+rng.NormFloat64()*d.p.Noise)))
		}
	}
}

// Transform is one affine distortion: shear, scale and rotate about the image centre,
// then shift. Positive degrees turn the picture clockwise as it is shown (rows go down);
// a positive shear slants it like italics, each row moved right by Shear pixels per
// row above the centre.
type Transform struct {
	DX, DY  float64 // shift in pixels, right and down
	Scale   float64 // > 1 enlarges
	Degrees float64
	Shear   float64
}

// Warp writes t applied to the side x side image src into dst, bilinearly sampled.
func Warp(dst, src []float32, side int, t Transform) {
	warp(dst, src, side, t.inverse(side), nil, nil)
}

// inverse is the map from output to input pixels: undo the shift, rotate back, divide
// by the scale and undo the shear, about the centre c.
func (t Transform) inverse(side int) affine {
	c := float64(side-1) / 2
	rad := t.Degrees * math.Pi / 180
	cos, sin := math.Cos(rad)/t.Scale, math.Sin(rad)/t.Scale
	// The unshearing (1, Shear; 0, 1) after the rotation back: x += Shear·(y-c).
	a, b := cos-t.Shear*sin, sin+t.Shear*cos
	return affine{
		a: a, b: b, e: c - a*(c+t.DX) - b*(c+t.DY),
		c: -sin, d: cos, f: c + sin*(c+t.DX) - cos*(c+t.DY),
	}
}

// affine maps an output pixel (x, y) to the input point (a*x + b*y + e, c*x + d*y + f).
type affine struct{ a, b, c, d, e, f float64 }

// warp samples src bilinearly at inv(x + dx, y + dy) for every output pixel (x, y);
// points outside the image read as 0 (background). dx and dy may be nil.
//
// Written by hand for speed: BenchmarkWarp compares it with golang.org/x/image/draw's
// BiLinear.Transform on the same 28x28 image.
func warp(dst, src []float32, side int, inv affine, dx, dy []float64) {
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= side || y >= side {
			return 0
		}
		return float64(src[y*side+x])
	}
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			px, py := float64(x), float64(y)
			if dx != nil {
				px += dx[y*side+x]
				py += dy[y*side+x]
			}
			sx := inv.a*px + inv.b*py + inv.e
			sy := inv.c*px + inv.d*py + inv.f
			x0, y0 := math.Floor(sx), math.Floor(sy)
			fx, fy := sx-x0, sy-y0
			ix, iy := int(x0), int(y0)
			v := (1-fy)*((1-fx)*at(ix, iy)+fx*at(ix+1, iy)) + fy*((1-fx)*at(ix, iy+1)+fx*at(ix+1, iy+1))
			dst[y*side+x] = float32(min(1, max(0, v)))
		}
	}
}

// soften blurs img in place by a Gaussian of standard deviation sigma.
func (d *Distorter) soften(img []float32, sigma float64) {
	if sigma < 0.05 { // narrower than a tenth of a pixel: no change worth the work
		return
	}
	if len(d.blurF) < len(img) {
		d.blurF, d.blurTmp = make([]float64, len(img)), make([]float64, len(img))
	}
	f := d.blurF[:len(img)]
	for i, v := range img {
		f[i] = float64(v)
	}
	blur(f, d.blurTmp, d.side, Gaussian(sigma))
	for i, v := range f {
		img[i] = float32(min(1, max(0, v)))
	}
}

// field draws the elastic displacement field into d.dx and d.dy.
func (d *Distorter) field(rng *rand.Rand) {
	for _, f := range [][]float64{d.dx, d.dy} {
		for i := range f {
			f[i] = 2*rng.Float64() - 1
		}
		blur(f, d.tmp, d.side, d.kernel)
		for i := range f {
			f[i] *= d.p.Elastic.Alpha
		}
	}
}

// Gaussian returns the normalised taps of a Gaussian of standard deviation sigma, radius
// 3 sigma.
func Gaussian(sigma float64) []float64 {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		x := float64(i - r)
		k[i] = math.Exp(-x * x / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	return k
}

// blur convolves the side x side field f with kernel along rows, then columns, with
// zero padding.
func blur(f, tmp []float64, side int, kernel []float64) {
	r := len(kernel) / 2
	for y := 0; y < side; y++ {
		row, out := f[y*side:(y+1)*side], tmp[y*side:(y+1)*side]
		for x := range out {
			var s float64
			for k := max(0, r-x); k < min(len(kernel), side-x+r); k++ {
				s += kernel[k] * row[x+k-r]
			}
			out[x] = s
		}
	}
	for y := 0; y < side; y++ {
		out := f[y*side : (y+1)*side]
		clear(out)
		for k := max(0, r-y); k < min(len(kernel), side-y+r); k++ {
			w, in := kernel[k], tmp[(y+k-r)*side:(y+k-r+1)*side]
			for x := range out {
				out[x] += w * in[x]
			}
		}
	}
}

// DistortAll returns a distorted copy of every image of s, as pixels in [0,1], each drawn
// from Rand(seed, 0, index): a fixed test set of digits that are not centred and sized
// like MNIST's (training epochs count from 1, so they never draw the same distortions).
func DistortAll(s *dataset.Set, p Params, seed uint64) []float32 {
	idx := make([]int, s.Count)
	for i := range idx {
		idx[i] = i
	}
	x := dataset.Floats(s)
	distortEach(NewDistorter(p, s.Rows), x, idx, dataset.Gather(s, idx, nil), seed, 0)
	return x
}

// distortEach distorts in place the images in x, which hold records idx labelled labels,
// drawing record i's distortion from Rand(seed, epoch, i).
func distortEach(d *Distorter, x []float32, idx []int, labels []byte, seed uint64, epoch int) {
	clean := make([]float32, d.side*d.side)
	for k, i := range idx {
		img := x[k*len(clean) : (k+1)*len(clean)]
		copy(clean, img)
		rng := Rand(seed, epoch, i)
		// Drawn only for 1s and only when set: runs without it are unchanged.
		if d.p.Flag > 0 && labels[k] == 1 && rng.Float64() < d.p.Flag {
			AddFlag(clean, d.side, rng)
		}
		if d.p.Close4 > 0 && labels[k] == 4 && rng.Float64() < d.p.Close4 {
			AddClosedTop(clean, d.side, rng)
		}
		d.Apply(img, clean, rng)
	}
}
