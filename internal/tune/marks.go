package tune

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomediumitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/gofont/gosmallcaps"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/ordered"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/reader"
)

// marksPerChunk is how many glyphs one random stream makes (as piecesPerChunk).
var marksPerChunk = 2000 // a variable for the tests

// markRunes are the characters typeset as marks that are not digits: capitals, small
// letters and symbols that no way of writing a digit resembles closely (no O, I, l, S,
// Z, B, D, G, Q, b, g, q, o, i, s, z, |, /, parentheses: each is some writer's 0, 1, 2,
// 5, 6, 8 or 9), and the shapes of the fonts' WGL4 set.
var markRunes = []rune("ACEFHJKLMNPRTUVWXY" + "acdefhkmnprtuvwxy" + "#%&@*+=<>~^?$" + "■□▲▼►◄◊♠♣♥♦☺☼♪")

// digitRunes are the digits, typeset as digits of other hands than MNIST's writers'.
var digitRunes = []rune("0123456789")

// markFonts are the Go fonts the marks are typeset in, parsed once.
var markFonts = sync.OnceValues(func() ([]*opentype.Font, error) {
	var fonts []*opentype.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF, goitalic.TTF, gobolditalic.TTF, gomedium.TTF,
		gomediumitalic.TTF, gomono.TTF, gomonobold.TTF, gosmallcaps.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("marks: %w", err)
		}
		fonts = append(fonts, f)
	}
	return fonts, nil
})

// markDistortion is what every mark, digit or not, goes through before its photo: a
// hand's variety (slant, size, angle, elastic wobble, pen width), the same for both
// classes, so that none of it tells them apart.
var markDistortion = augment.Params{Shift: 2, Zoom: 0.15, Rotate: 12, Shear: 0.3, Thickness: 0.75,
	Elastic: augment.Elastic{Alpha: 6, Sigma: 4}, Blur: 1, Clean: 0.2}

// Marks makes count glyphs for training the reader's gate, the network that tells the
// writing of digits from every other mark on paper. Each picture is 1 to 3 marks of one
// class (a quarter of the pictures 2 to 6) written side by side, apart or touching,
// distorted alike (markDistortion) and photographed at 1-4 picture pixels per MNIST
// pixel, half of them as phones do (tinted or grey paper, uneven light, a shadow's edge,
// ruled lines, blue or black ink, noise, JPEG); the reader's groups of ink in it
// (reader.GroupGlyphs) are its glyphs. Half the pictures are of digits (reader.ADigit:
// digits' images, and a third as many digits typeset in the Go fonts; touching digits
// make one group), half of other marks (reader.NotADigit): letters and symbols typeset
// in the Go fonts, items of clothing (fashion's images, when it is not nil), scribbles,
// smudges and blank paper under a shadow. A picture of digits whose ink makes more
// groups than it has digits is left out, and so is a glyph of other marks as narrow as a
// 1 (bar). The same sets, count and seed give the same glyphs on any number of cores.
func Marks(digits, fashion *dataset.Set, count int, seed uint64) (*dataset.Set, error) {
	for _, s := range []*dataset.Set{digits, fashion} {
		if s != nil && (s.Rows != dataset.Side || s.Cols != dataset.Side || s.Count == 0) {
			return nil, fmt.Errorf("marks: %d images of %dx%d (expected %dx%d)", s.Count, s.Rows, s.Cols, dataset.Side, dataset.Side)
		}
	}
	if digits == nil {
		return nil, errors.New("marks: no digits")
	}
	fonts, err := markFonts()
	if err != nil {
		return nil, err
	}
	digitX, fashionX := dataset.Floats(digits), []float32(nil)
	if fashion != nil {
		fashionX = dataset.Floats(fashion)
	}
	chunks := (count + marksPerChunk - 1) / marksPerChunk
	out := &dataset.Set{Images: dataset.Images{Rows: dataset.Side, Cols: dataset.Side}}
	for c, err := range ordered.Map(chunks, func(c int) (*dataset.Set, error) {
		m := marker{digits: digitX, fashion: fashionX, fonts: fonts, rng: rand.New(rand.NewPCG(seed, uint64(c))),
			distort: augment.NewDistorter(markDistortion, dataset.Side), faces: map[[2]int]font.Face{}}
		defer m.close()
		return m.chunk(min(marksPerChunk, count-c*marksPerChunk))
	}) {
		if err != nil {
			return nil, fmt.Errorf("marks: %w", err)
		}
		out.Pixels = append(out.Pixels, c.Pixels...)
		out.Labels = append(out.Labels, c.Labels...)
		out.Count += c.Count
	}
	return out, nil
}

// marker makes one chunk of Marks from one random stream; its faces and scratch are
// its own (a font.Face is not safe for concurrent use).
type marker struct {
	digits, fashion []float32 // 28x28 images
	fonts           []*opentype.Font
	rng             *rand.Rand
	distort         *augment.Distorter
	faces           map[[2]int]font.Face // by font and size
}

func (m *marker) close() {
	for _, f := range m.faces {
		f.Close()
	}
}

func (m *marker) chunk(count int) (*dataset.Set, error) {
	out := &dataset.Set{Images: dataset.Images{Rows: dataset.Side, Cols: dataset.Side}}
	rng := m.rng
	for out.Count < count {
		label := byte(reader.ADigit)
		kind := rng.IntN(8)
		if kind >= 4 {
			label = reader.NotADigit
		}
		var marks [][]float32
		k := 1 + rng.IntN(3)
		if rng.IntN(4) == 0 { // a longer number (or word): 2 to 6
			k = 2 + rng.IntN(5)
		}
		if kind == 7 && rng.IntN(3) == 0 { // blank paper: only the light and the shadow
			k = 0
		}
		for range k {
			var mark []float32
			var err error
			switch {
			case kind < 3:
				mark = pick(m.digits, rng)
			case kind == 3:
				if mark, err = m.typeset(digitRunes); err != nil {
					return nil, err
				}
			case kind == 6 && m.fashion != nil:
				mark = pick(m.fashion, rng)
			case kind == 7:
				mark = m.scribble()
			default:
				if mark, err = m.typeset(markRunes); err != nil {
					return nil, err
				}
			}
			if mark == nil {
				continue
			}
			d := make([]float32, dataset.Pixels)
			m.distort.Apply(d, mark, rng)
			marks = append(marks, d)
		}
		var ink []float32
		w := dataset.Side
		if len(marks) == 0 {
			ink = make([]float32, dataset.Pixels)
		} else {
			gaps := make([]int, len(marks)-1)
			for j := range gaps {
				gaps[j] = rng.IntN(10) - 3 // touching by up to 3 pixels, or up to 6 apart
			}
			ink, w = augment.Number(marks, dataset.Side, gaps)
		}
		page, err := preprocess.Analyse(m.photo().DrawInk(ink, w, dataset.Side, rng))
		if errors.Is(err, preprocess.ErrBlank) {
			continue
		}
		if err != nil {
			return nil, err
		}
		glyphs, err := reader.GroupGlyphs(page)
		if err != nil {
			return nil, err
		}
		if label == reader.ADigit && len(glyphs) > len(marks) {
			continue // a digit in pieces, or a speck of the photo's: not sure what each group is
		}
		for _, g := range glyphs {
			if label == reader.NotADigit && bar(g) {
				continue // a 1, for all anyone can tell (a trouser leg, a fragment of a letter)
			}
			for _, v := range g {
				out.Pixels = append(out.Pixels, byte(math.Round(float64(v)*255)))
			}
			out.Labels = append(out.Labels, label)
			if out.Count++; out.Count == count {
				break
			}
		}
	}
	return out, nil
}

// bar reports whether the glyph g is as narrow as a 1: its ink (pixels of at least 0.2)
// under a third as wide as it is high. No mark that narrow is taken as not a digit.
func bar(g []float32) bool {
	x0, y0, x1, y1 := dataset.Side, dataset.Side, 0, 0
	for i, v := range g {
		if v >= 0.2 {
			x, y := i%dataset.Side, i/dataset.Side
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x+1), max(y1, y+1)
		}
	}
	return y1 > y0 && 3*(x1-x0) < y1-y0
}

// pick is one of the 28x28 images x, at random.
func pick(x []float32, rng *rand.Rand) []float32 {
	i := rng.IntN(len(x) / dataset.Pixels)
	return x[i*dataset.Pixels : (i+1)*dataset.Pixels]
}

// photo is how a picture of marks is taken: half of them plainly (black on white), half
// as phones do.
func (m *marker) photo() augment.Photo {
	rng := m.rng
	p := augment.Photo{Scale: 1 + rng.IntN(4), Frame: 1.3 + 0.6*rng.Float64()}
	if rng.IntN(2) == 0 {
		return p
	}
	tone := 140 + rng.Float64()*115
	p.Paper = color.RGBA{uint8(tone), uint8(tone * (0.93 + 0.07*rng.Float64())), uint8(tone * (0.8 + 0.2*rng.Float64())), 255}
	if rng.IntN(2) == 0 {
		p.Ink = color.RGBA{uint8(20 + rng.IntN(40)), uint8(30 + rng.IntN(50)), uint8(90 + rng.IntN(80)), 255}
	} else {
		p.Ink = color.RGBA{uint8(rng.IntN(60)), uint8(rng.IntN(60)), uint8(rng.IntN(60)), 255}
	}
	p.Light, p.Noise = 0.4*rng.Float64(), 0.04*rng.Float64()
	if rng.IntN(2) == 0 {
		p.JPEG = 50 + rng.IntN(41)
	}
	if rng.IntN(3) == 0 {
		p.Shadow = 0.15 + 0.35*rng.Float64()
	}
	if rng.IntN(3) == 0 {
		p.Ruled = 0.5 + 0.7*rng.Float64()
	}
	return p
}

// typeset is one of runes in one of the Go fonts at a random size, as a digit of
// MNIST is: in a 20x20 box of a 28x28 image by its centre of mass (preprocess.Digit),
// nil when the font has no glyph for it.
func (m *marker) typeset(runes []rune) ([]float32, error) {
	rng := m.rng
	fi, size := rng.IntN(len(m.fonts)), 24+8*rng.IntN(3)
	face, ok := m.faces[[2]int{fi, size}]
	if !ok {
		var err error
		face, err = opentype.NewFace(m.fonts[fi], &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return nil, err
		}
		m.faces[[2]int{fi, size}] = face
	}
	r := runes[rng.IntN(len(runes))]
	if _, ok := face.GlyphAdvance(r); !ok {
		return nil, nil
	}
	img := image.NewGray(image.Rect(0, 0, 3*size, 3*size))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(size, 2*size)}
	d.DrawString(string(r))
	px, err := preprocess.Digit(img)
	if errors.Is(err, preprocess.ErrBlank) {
		return nil, nil
	}
	return px, err
}

// scribble is a mark no one writes as a digit: a pen's random zigzag (4 to 9 strokes),
// or a smudge (blurred noise, thresholded), on a 28x28 image.
func (m *marker) scribble() []float32 {
	rng := m.rng
	const side = dataset.Side
	out := make([]float32, side*side)
	if rng.IntN(2) == 0 {
		width := 0.8 + 1.2*rng.Float64()
		x, y := 4+20*rng.Float64(), 4+20*rng.Float64()
		for range 4 + rng.IntN(6) {
			nx, ny := 4+20*rng.Float64(), 4+20*rng.Float64()
			for t := 0.0; t <= 1; t += 0.02 {
				px, py := x+(nx-x)*t, y+(ny-y)*t
				for yy := max(0, int(py-width-1)); yy <= min(side-1, int(py+width+1)); yy++ {
					for xx := max(0, int(px-width-1)); xx <= min(side-1, int(px+width+1)); xx++ {
						d := math.Hypot(float64(xx)-px, float64(yy)-py)
						v := float32(min(1, max(0, width+0.5-d)))
						out[yy*side+xx] = max(out[yy*side+xx], v)
					}
				}
			}
			x, y = nx, ny
		}
		return out
	}
	noise := make([]float64, side*side)
	for i := range noise {
		noise[i] = rng.Float64()
	}
	sigma := 1.5 + 2*rng.Float64()
	k := augment.Gaussian(sigma)
	r := len(k) / 2
	tmp := make([]float64, side*side)
	for pass := range 2 { // a separable blur: rows, then columns
		for y := range side {
			for x := range side {
				s := 0.0
				for j, w := range k {
					xx, yy := x, y
					if pass == 0 {
						xx = min(side-1, max(0, x+j-r))
					} else {
						yy = min(side-1, max(0, y+j-r))
					}
					s += w * noise[yy*side+xx]
				}
				tmp[y*side+x] = s
			}
		}
		noise, tmp = tmp, noise
	}
	cut := 0.5 + 0.05*rng.Float64()
	for i, v := range noise {
		out[i] = float32(min(1, max(0, (v-cut)*12)))
	}
	return out
}

// Sizes of the gate's sets (docs/gate.sh trains on them).
const (
	TrainMarks = 120000
	TestMarks  = 10000
)

// WriteMarks writes the gate's marks into dir as IDX files, as lenet train --data reads
// them: train glyphs from the training images the built-in model trained on
// (PieceSources' rest: never its held-out ones, which choose reader.GateAt) and
// Fashion-MNIST's training images (seed 1), TestMarks from the test images of both
// (seed 2). A nil fashion loader leaves clothes out. It returns the two sets.
func WriteMarks(dir string, train int, fashion func(split string) (*dataset.Set, error)) (trainSet, testSet *dataset.Set, err error) {
	rest, test, err := PieceSources()
	if err != nil {
		return nil, nil, err
	}
	return writeSets(dir, rest, test, train, TestMarks, func(split string, from *dataset.Set, count int, seed uint64) (*dataset.Set, error) {
		var clothes *dataset.Set
		if fashion != nil {
			if clothes, err = fashion(split); err != nil {
				return nil, fmt.Errorf("marks: %w", err)
			}
		}
		return Marks(from, clothes, count, seed)
	})
}
