package robust

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/lenet/lenet/augment"
)

// Scene is a phone photo of writing on paper in which many things go wrong at once, as
// they do on a desk: the paper's tone and tint, light falling off across the page, a
// soft round shadow (a hand, a phone) and a hard-edged one, ruled or squared lines, the
// ink's colour and pressure, sensor noise, JPEG, defocus, a slight perspective, and the
// writing small or large anywhere in the frame. RandomScene draws every condition
// together at random strengths.
//
// The scene suite's generator is its own: no training data is drawn by it, nor by
// settings shared with it (augment.Photo draws the single-condition families).
type Scene struct {
	W, H     int        // the frame in pixels
	Paper    [3]float64 // the paper's colour in full light, 0 to 1 per channel
	Ink      [3]float64 // the pen's colour
	Pressure float64    // how much of the pen's colour the strokes lay down, 0 to 1
	Light    float64    // brightness lost from one side of the frame to the other
	LightDir float64    // the direction the light falls off in, radians
	// A soft round shadow: its centre and radius in frame sides, the brightness lost at
	// its centre.
	SoftX, SoftY, SoftR, Soft float64
	// A hard-edged shadow across the frame: the brightness lost, the edge's direction
	// and its offset from the centre in frame sides.
	Hard, HardDir, HardAt float64
	Lines                 int     // 0 none, 1 ruled, 2 squared
	Spacing               float64 // the lines' spacing, in writing heights
	Noise                 float64 // sensor noise, standard deviation of full scale
	Blur                  float64 // defocus: the Gaussian's standard deviation in pixels
	JPEG                  int     // JPEG quality, 0 for none
	Keystone              float64 // perspective: how much narrower the top is than the bottom
	// The writing: its height as a share of the frame's, its top-left corner as a share
	// of the room left around it inside a margin.
	Size, X, Y float64
}

// RandomScene draws a scene's conditions together, each at a random strength.
func RandomScene(rng *rand.Rand) Scene {
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	s := Scene{W: 160 + rng.IntN(241)}
	s.H = int(float64(s.W) * u(0.75, 1.33))
	tone := u(0.55, 1)
	tints := [][3]float64{{1, 1, 1}, {1, 0.97, 0.88}, {0.95, 0.98, 1}, {1, 0.96, 0.96}, {0.96, 1, 0.95}}
	tint := tints[rng.IntN(len(tints))]
	for k := range 3 {
		s.Paper[k] = tone * tint[k]
	}
	inks := [][3]float64{{0.05, 0.05, 0.07}, {0.1, 0.15, 0.55}, {0.2, 0.3, 0.8}, {0.12, 0.12, 0.35}, {0.35, 0.35, 0.37}}
	s.Ink = inks[rng.IntN(len(inks))]
	s.Pressure = u(0.7, 1)
	s.Light, s.LightDir = u(0, 0.4), u(0, 2*math.Pi)
	if rng.IntN(2) == 0 {
		s.SoftX, s.SoftY, s.SoftR, s.Soft = u(0, 1), u(0, 1), u(0.2, 0.6), u(0.1, 0.35)
	}
	if rng.IntN(4) == 0 {
		s.Hard, s.HardDir, s.HardAt = u(0.1, 0.3), u(0, 2*math.Pi), u(0.25, 0.45)
	}
	s.Lines = rng.IntN(3)
	s.Spacing = u(0.6, 1.3)
	s.Noise = u(0.005, 0.04)
	if rng.IntN(3) == 0 {
		s.Blur = u(0.5, 3)
	}
	s.JPEG = 50 + rng.IntN(41)
	s.Keystone = u(-0.08, 0.08)
	s.Size, s.X, s.Y = u(0.25, 0.67), rng.Float64(), rng.Float64()
	return s
}

// White is the scene with nothing gone wrong: the writing at the same size and place,
// in black ink pressed firmly, on white paper in even light, no lines, noise, blur,
// perspective or JPEG.
func (s Scene) White() Scene {
	return Scene{W: s.W, H: s.H, Paper: [3]float64{1, 1, 1}, Pressure: 1, Size: s.Size, X: s.X, Y: s.Y}
}

// Draw photographs the sw x sh ink image src (1 ink, 0 paper: a digit or a number,
// cropped to its ink or not) as the scene says: the ink's bounding box is Size of the
// frame's height (or less, to fit its width) at X, Y of the room around it.
func (s Scene) Draw(src []float32, sw, sh int, rng *rand.Rand) image.Image {
	x0, y0, x1, y1 := inkExtent(src, sw, sh)
	bw, bh := float64(x1-x0), float64(y1-y0)
	// The writing keeps a margin of 5% of the frame (as a photo of it is framed), the
	// keystone's widening of the bottom rows included.
	room := 0.9 * (1 - math.Abs(s.Keystone))
	scale := min(s.Size*float64(s.H)/bh, room*float64(s.W)/bw, room*float64(s.H)/bh) // frame pixels per ink pixel
	ox := (1-room)/2*float64(s.W) + s.X*(room*float64(s.W)-bw*scale)
	oy := (1-room)/2*float64(s.H) + s.Y*(room*float64(s.H)-bh*scale)
	lineGap := max(4, s.Spacing*bh*scale)
	linePhase := rng.Float64() * lineGap
	lineWidth := max(1, lineGap/25)
	lineColour := [3]float64{0.6, 0.72, 0.92}
	ldx, ldy := math.Cos(s.LightDir), math.Sin(s.LightDir)
	hdx, hdy := math.Cos(s.HardDir), math.Sin(s.HardDir)
	w, h := float64(s.W), float64(s.H)
	rgb := make([]float64, 3*s.W*s.H)
	for y := range s.H {
		for x := range s.W {
			// Perspective: rows are narrowed about the centre, the top by Keystone.
			fx, fy := float64(x)+0.5, float64(y)+0.5
			k := 1 + s.Keystone*(0.5-fy/h)
			px := w/2 + (fx-w/2)/k
			a := s.Pressure * augment.Bilinear(src, sw, sh, (px-ox)/scale+float64(x0)-0.5, (fy-oy)/scale+float64(y0)-0.5)
			paper := s.Paper
			onLine := s.Lines > 0 && math.Mod(fy+linePhase, lineGap) < lineWidth
			if s.Lines == 2 && math.Mod(px+linePhase, lineGap) < lineWidth {
				onLine = true
			}
			if onLine {
				for c := range 3 {
					paper[c] *= lineColour[c]
				}
			}
			t := ((fx/w-0.5)*ldx + (fy/h-0.5)*ldy) / math.Sqrt2
			light := 1 - s.Light*(t+0.5)
			if s.Soft > 0 {
				d := math.Hypot(fx/w-s.SoftX, fy/h-s.SoftY) / s.SoftR
				light *= 1 - s.Soft*math.Exp(-d*d)
			}
			if s.Hard > 0 {
				e := ((fx/w-0.5)*hdx + (fy/h-0.5)*hdy - s.HardAt) * w / 1.5 // about 3 pixels of edge
				light *= 1 - s.Hard/(1+math.Exp(-e))
			}
			for c := range 3 {
				rgb[3*(y*s.W+x)+c] = (paper[c]*(1-a) + s.Ink[c]*a) * light
			}
		}
	}
	if s.Blur > 0 {
		gaussian(rgb, s.W, s.H, s.Blur)
	}
	img := image.NewRGBA(image.Rect(0, 0, s.W, s.H))
	for i := range s.W * s.H {
		n := rng.NormFloat64() * s.Noise // grey sensor noise, and a little colour noise
		for c := range 3 {
			v := rgb[3*i+c] + n + rng.NormFloat64()*s.Noise/3
			img.Pix[4*i+c] = uint8(math.Round(255 * max(0, min(1, v))))
		}
		img.Pix[4*i+3] = 255
	}
	if s.JPEG == 0 {
		return img
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: s.JPEG}); err != nil {
		return img
	}
	dec, err := jpeg.Decode(&buf)
	if err != nil {
		return img
	}
	return dec
}

// inkExtent is the bounding box [x0,x1) x [y0,y1) of src's ink (the whole image if none).
func inkExtent(src []float32, w, h int) (x0, y0, x1, y1 int) {
	x0, y0 = w, h
	for y := range h {
		for x := range w {
			if src[y*w+x] > 0.05 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x+1), max(y1, y+1)
			}
		}
	}
	if x1 <= x0 {
		return 0, 0, w, h
	}
	return x0, y0, x1, y1
}

// gaussian blurs the w x h RGB image rgb (3 values a pixel) by a Gaussian of standard
// deviation sigma pixels, along rows then columns, the edges repeated.
func gaussian(rgb []float64, w, h int, sigma float64) {
	k := augment.Gaussian(sigma)
	r := len(k) / 2
	pass := func(n, length, stride, step int) {
		line := make([]float64, 3*length)
		for i := range n {
			for j := range length {
				copy(line[3*j:3*j+3], rgb[3*(i*stride+j*step):])
			}
			for j := range length {
				var acc [3]float64
				for t, kv := range k {
					jj := max(0, min(length-1, j+t-r))
					for c := range 3 {
						acc[c] += kv * line[3*jj+c]
					}
				}
				copy(rgb[3*(i*stride+j*step):], acc[:])
			}
		}
	}
	pass(h, w, w, 1)
	pass(w, h, 1, w)
}
