package augment

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
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

// Draw makes the photo of the side x side digit src (ink 1 on 0).
func (p Photo) Draw(src []float32, side int, rng *rand.Rand) image.Image {
	return p.DrawInk(src, side, side, rng)
}

// DrawInk makes the photo of the sw x sh ink image src (1 ink, 0 paper: a digit, or a
// number of them side by side); Frame is then in the ink image's heights, added around it.
func (p Photo) DrawInk(src []float32, sw, sh int, rng *rand.Rand) image.Image {
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
	n, nw := sh*scale, sw*scale
	h := int(float64(n) * frame)
	w := nw + h - n
	ox, oy := rng.IntN(w-nw+1), rng.IntN(h-n+1)
	angle := rng.Float64() * 2 * math.Pi // the light's direction
	dx, dy := math.Cos(angle), math.Sin(angle)
	phase := rng.Float64() * float64(n)
	sx, sy := math.Cos(angle+2), math.Sin(angle+2) // the shadow's edge: a line through a random point
	sc := (rng.Float64() - 0.5) * float64(w) / 2
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			// The digit's ink at (x, y), bilinear from src.
			a := 0.0
			if x >= ox && y >= oy && x < ox+nw && y < oy+n {
				a = Bilinear(src, sw, sh, (float64(x-ox)+0.5)/float64(scale)-0.5, (float64(y-oy)+0.5)/float64(scale)-0.5)
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
			t := ((float64(x)/float64(w)-0.5)*dx + (float64(y)/float64(h)-0.5)*dy) / math.Sqrt2 // -0.5..0.5
			light := 1 - p.Light*(t+0.5)
			if p.Shadow > 0 { // in shadow on one side of the edge, across 6% of the frame
				e := ((float64(x)-float64(w)/2)*sx + (float64(y)-float64(h)/2)*sy - sc) / (0.06 * float64(w))
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

// Bilinear samples the sw x sh image src at (x, y) (pixel centres at whole numbers), 0 outside.
func Bilinear(src []float32, sw, sh int, x, y float64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= sw || j >= sh {
			return 0
		}
		return float64(src[j*sw+i])
	}
	i, j := int(x0), int(y0)
	return (1-fy)*((1-fx)*at(i, j)+fx*at(i+1, j)) + fy*((1-fx)*at(i, j+1)+fx*at(i+1, j+1))
}

// Number writes digits (side x side ink images, 1 ink) side by side as one number: each
// cut to the columns its ink spans, the next one starting gaps[i] pixels after the
// previous one's ink ends (a gap of 0 or less makes them touch: overlapping ink keeps the
// stronger). It returns the ink image and its width; its height is side.
func Number(digits [][]float32, side int, gaps []int) ([]float32, int) {
	parts, width := NumberParts(digits, side, gaps)
	out := make([]float32, width*side)
	for _, p := range parts {
		for i, v := range p {
			out[i] = max(out[i], v)
		}
	}
	return out, width
}

// NumberParts lays digits out as Number does and returns each digit's ink on its own,
// in the number's frame (width x side each): which ink of the number is which digit's.
func NumberParts(digits [][]float32, side int, gaps []int) (parts [][]float32, width int) {
	type span struct{ x0, x1 int }
	spans := make([]span, len(digits))
	for i, d := range digits {
		x0, x1 := side, 0
		for y := range side {
			for x := range side {
				if d[y*side+x] > 0.05 {
					x0, x1 = min(x0, x), max(x1, x+1)
				}
			}
		}
		if x1 <= x0 {
			x0, x1 = 0, side
		}
		spans[i] = span{x0, x1}
		width += x1 - x0
		if i > 0 {
			width += gaps[i-1]
		}
	}
	width = max(width, 1)
	at := 0
	for i, d := range digits {
		if i > 0 {
			at += gaps[i-1]
		}
		part := make([]float32, width*side)
		for y := range side {
			for x := spans[i].x0; x < spans[i].x1; x++ {
				if ox := at + x - spans[i].x0; ox >= 0 && ox < width {
					part[y*width+ox] = d[y*side+x]
				}
			}
		}
		parts = append(parts, part)
		at += spans[i].x1 - spans[i].x0
	}
	return parts, width
}

// Lines writes lines of writing one above the other (each an ink image widths[i] wide
// and side high, as Number makes them): each gap pixels below the one before, starting
// shifts[i] pixels from the left. It returns the ink image, its width and its height.
func Lines(lines [][]float32, widths []int, side, gap int, shifts []int) (ink []float32, w, h int) {
	for i, wi := range widths {
		w = max(w, shifts[i]+wi)
	}
	h = len(lines)*side + (len(lines)-1)*gap
	ink = make([]float32, w*h)
	for i, l := range lines {
		top := i * (side + gap)
		for y := range side {
			copy(ink[(top+y)*w+shifts[i]:], l[y*widths[i]:(y+1)*widths[i]])
		}
	}
	return ink, w, h
}
