package robust

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/preprocess"
)

// Photo is how a digit reaches lenet in a photo or a scan: drawn in coloured ink on paper
// of some tint, under light that changes across the page, with sensor noise, ruled lines,
// JPEG compression, small or large in the frame. The zero Photo is a black digit 4 times
// its size in a white frame half as large again (the "picture" family at strength 4).
type Photo struct {
	Light  float64    // the brightness lost from one side of the frame to the other, 0 to 1
	Noise  float64    // standard deviation of the sensor noise added to each channel
	JPEG   int        // JPEG quality (1-100), 0 for none
	Ruled  float64    // spacing of ruled lines in digit heights, 0 for none
	Frame  float64    // the frame's side in digit sizes (0: 1.5)
	Ink    color.RGBA // the pen's colour (zero: black)
	Paper  color.RGBA // the paper's colour (zero: white)
	Scale  int        // the digit's side in pixels is Scale x 28 (0: 4)
	Shadow float64    // the brightness lost in a shadow with a soft edge across the frame
}

// PhotoFamilies are the photo suite: each changes one thing of a Photo, at strengths
// from mild to harsh; "phone photo" combines them as a desk photo does.
var PhotoFamilies = []augment.Corruption{
	{Name: "uneven light", Unit: "of the brightness lost across the frame", Strengths: []float64{0.1, 0.2, 0.3, 0.45},
		Apply: photoFamily(func(p *Photo, s float64) { p.Light = s })},
	{Name: "sensor noise", Unit: "standard deviation, of full scale", Strengths: []float64{0.01, 0.02, 0.03, 0.05},
		Apply: photoFamily(func(p *Photo, s float64) { p.Noise = s; p.Paper = grey(0.93) })},
	{Name: "jpeg", Unit: "quality", Strengths: []float64{75, 50, 25, 10},
		Apply: photoFamily(func(p *Photo, s float64) { p.JPEG = int(s); p.Paper = grey(0.95) })},
	{Name: "ruled paper", Unit: "line spacing, in digit heights", Strengths: []float64{0.6, 0.45, 0.3},
		Apply: photoFamily(func(p *Photo, s float64) { p.Ruled = s })},
	{Name: "shadow", Unit: "of the brightness lost in the shadow", Strengths: []float64{0.2, 0.35, 0.5},
		Apply: photoFamily(func(p *Photo, s float64) { p.Shadow = s })},
	{Name: "tinted paper", Unit: "0 cream, 1 grey, 2 yellow, 3 light blue", Strengths: []float64{0, 1, 2, 3},
		Apply: photoFamily(func(p *Photo, s float64) { p.Paper = papers[int(s)] })},
	{Name: "small in frame", Unit: "frame side, in digit sizes", Strengths: []float64{3, 5, 8},
		Apply: photoFamily(func(p *Photo, s float64) { p.Frame, p.Scale = s, 2 })},
	{Name: "large in frame", Unit: "frame side, in digit sizes", Strengths: []float64{1.15, 1},
		Apply: photoFamily(func(p *Photo, s float64) { p.Frame, p.Scale = s, 8 })},
	{Name: "coloured ink", Unit: "0 blue pen, 1 light blue, 2 red, 3 pencil grey", Strengths: []float64{0, 1, 2, 3},
		Apply: photoFamily(func(p *Photo, s float64) { p.Ink = inks[int(s)] })},
	{Name: "phone photo", Unit: "light lost, with noise, grey paper and JPEG 80", Strengths: []float64{0.1, 0.2, 0.3},
		Apply: photoFamily(func(p *Photo, s float64) {
			p.Light, p.Noise, p.JPEG, p.Paper, p.Ink = s, 0.03, 80, color.RGBA{222, 216, 200, 255}, color.RGBA{25, 35, 90, 255}
		})},
}

var (
	inks   = []color.RGBA{{20, 40, 160, 255}, {80, 120, 220, 255}, {190, 30, 30, 255}, {110, 110, 110, 255}}
	papers = []color.RGBA{{240, 232, 210, 255}, {190, 190, 190, 255}, {245, 235, 150, 255}, {205, 225, 245, 255}}
)

func grey(v float64) color.RGBA {
	g := uint8(255*v + 0.5)
	return color.RGBA{g, g, g, 255}
}

// photoFamily is a Corruption that draws each digit as set makes its Photo at the
// strength, and reads it back through preprocess.Digit.
func photoFamily(set func(*Photo, float64)) func(dst, src []float32, side int, s float64, rng *rand.Rand) {
	return func(dst, src []float32, side int, s float64, rng *rand.Rand) {
		var p Photo
		set(&p, s)
		px, err := preprocess.Digit(p.Draw(src, side, rng))
		if err != nil {
			clear(dst)
			return
		}
		copy(dst, px)
	}
}

// Draw makes the photo of the side x side digit src (ink 1 on 0).
func (p Photo) Draw(src []float32, side int, rng *rand.Rand) image.Image {
	scale := p.Scale
	if scale == 0 {
		scale = 4
	}
	frame := p.Frame
	if frame == 0 {
		frame = 1.5
	}
	paper, ink := p.Paper, p.Ink
	if paper == (color.RGBA{}) {
		paper = color.RGBA{255, 255, 255, 255}
	}
	if ink == (color.RGBA{}) {
		ink = color.RGBA{0, 0, 0, 255}
	}
	n := side * scale
	w := int(float64(n) * frame)
	ox, oy := rng.IntN(w-n+1), rng.IntN(w-n+1)
	angle := rng.Float64() * 2 * math.Pi // the light's direction
	dx, dy := math.Cos(angle), math.Sin(angle)
	phase := rng.Float64() * float64(n)
	sx, sy := math.Cos(angle+2), math.Sin(angle+2) // the shadow's edge: a line through a random point
	sc := (rng.Float64() - 0.5) * float64(w) / 2
	img := image.NewRGBA(image.Rect(0, 0, w, w))
	for y := range w {
		for x := range w {
			// The digit's ink at (x, y), bilinear from src.
			a := 0.0
			if x >= ox && y >= oy && x < ox+n && y < oy+n {
				a = bilinear(src, side, (float64(x-ox)+0.5)/float64(scale)-0.5, (float64(y-oy)+0.5)/float64(scale)-0.5)
			}
			// Ruled lines: 2 pixels of light blue every Ruled digit heights, under the ink.
			pc := [3]float64{float64(paper.R), float64(paper.G), float64(paper.B)}
			if p.Ruled > 0 {
				spacing := p.Ruled * float64(n)
				if math.Mod(float64(y)+phase, spacing) < math.Max(2, float64(scale)/2) {
					pc = [3]float64{150, 180, 230}
				}
			}
			// Light: 1 on one side of the frame, 1-Light on the other.
			t := ((float64(x)/float64(w)-0.5)*dx + (float64(y)/float64(w)-0.5)*dy) / math.Sqrt2 // -0.5..0.5
			light := 1 - p.Light*(t+0.5)
			if p.Shadow > 0 { // in shadow on one side of the edge, across 6% of the frame
				e := ((float64(x)-float64(w)/2)*sx + (float64(y)-float64(w)/2)*sy - sc) / (0.06 * float64(w))
				light *= 1 - p.Shadow/(1+math.Exp(-e))
			}
			ic := [3]float64{float64(ink.R), float64(ink.G), float64(ink.B)}
			var c [3]uint8
			noise := 0.0 // the same in every channel: the grey noise of a sensor
			if p.Noise > 0 {
				noise = rng.NormFloat64() * p.Noise
			}
			for k := range 3 {
				v := (pc[k]*(1-a)+ic[k]*a)*light/255 + noise
				c[k] = uint8(math.Round(255 * math.Max(0, math.Min(1, v))))
			}
			img.SetRGBA(x, y, color.RGBA{c[0], c[1], c[2], 255})
		}
	}
	if p.JPEG == 0 {
		return img
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: p.JPEG}); err != nil {
		return img
	}
	dec, err := jpeg.Decode(&buf)
	if err != nil {
		return img
	}
	return dec
}

// bilinear samples the side x side image src at (x, y), 0 outside.
func bilinear(src []float32, side int, x, y float64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= side || j >= side {
			return 0
		}
		return float64(src[j*side+i])
	}
	i, j := int(x0), int(y0)
	return (1-fy)*((1-fx)*at(i, j)+fx*at(i+1, j)) + fy*((1-fx)*at(i, j+1)+fx*at(i+1, j+1))
}
