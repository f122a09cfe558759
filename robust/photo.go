package robust

import (
	"image/color"
	"math/rand/v2"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/preprocess"
)

// PhotoFamilies are the photo suite: each changes one thing of an augment.Photo, at strengths
// from mild to harsh; "phone photo" combines them as a desk photo does.
var PhotoFamilies = []augment.Corruption{
	{Name: "uneven light", Unit: "of the brightness lost across the frame", Strengths: []float64{0.1, 0.2, 0.3, 0.45},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.Light = s })},
	{Name: "sensor noise", Unit: "standard deviation, of full scale", Strengths: []float64{0.01, 0.02, 0.03, 0.05},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.Noise = s; p.Paper = grey(0.93) })},
	{Name: "jpeg", Unit: "quality", Strengths: []float64{75, 50, 25, 10},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.JPEG = int(s); p.Paper = grey(0.95) })},
	{Name: "ruled paper", Unit: "line spacing, in digit heights", Strengths: []float64{0.6, 0.45, 0.3},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.Ruled = s })},
	{Name: "shadow", Unit: "of the brightness lost in the shadow", Strengths: []float64{0.2, 0.35, 0.5},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.Shadow = s })},
	{Name: "tinted paper", Unit: "0 cream, 1 grey, 2 yellow, 3 light blue", Strengths: []float64{0, 1, 2, 3},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.Paper = papers[int(s)] })},
	{Name: "small in frame", Unit: "frame side, in digit sizes", Strengths: []float64{3, 5, 8},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.Frame, p.Scale = s, 2 })},
	{Name: "large in frame", Unit: "frame side, in digit sizes", Strengths: []float64{1.15, 1},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.Frame, p.Scale = s, 8 })},
	{Name: "coloured ink", Unit: "0 blue pen, 1 light blue, 2 red, 3 pencil grey", Strengths: []float64{0, 1, 2, 3},
		Apply: photoFamily(func(p *augment.Photo, s float64) { p.Ink = inks[int(s)] })},
	{Name: "phone photo", Unit: "light lost, with noise, grey paper and JPEG 80", Strengths: []float64{0.1, 0.2, 0.3},
		Apply: photoFamily(func(p *augment.Photo, s float64) {
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

// photoFamily is a Corruption that draws each digit as set makes its augment.Photo at the
// strength, and reads it back through preprocess.Digit.
func photoFamily(set func(*augment.Photo, float64)) func(dst, src []float32, side int, s float64, rng *rand.Rand) {
	return func(dst, src []float32, side int, s float64, rng *rand.Rand) {
		var p augment.Photo
		set(&p, s)
		readBack(dst, p.Draw(src, side, rng), preprocess.Digit)
	}
}
