// Package preprocess turns any picture of a digit into what MNIST looks like, so the
// network sees a user's digits as it saw its training data.
//
// MNIST's own recipe (LeCun et al.): grey levels with the ink bright on a dark ground, the
// digit cropped to its bounding box, its longer side scaled to 20 pixels keeping the aspect
// ratio (anti-aliased), and placed in a 28x28 field so that its centre of mass sits at the
// field's centre.
package preprocess

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registered decoders: PNG, JPEG and GIF
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math"

	"github.com/lenet/lenet/dataset"
)

const (
	// Box is the longer side of the scaled digit in the dataset.Side square, as in MNIST.
	Box = 20
	// MaxFileBytes and MaxSide bound what Decode accepts, checked before any pixel is
	// decoded.
	MaxFileBytes = 32 << 20
	MaxSide      = 8192
	// inkLevel is the ink strength (0 to 1, above the background) that counts as ink
	// when finding the digit's bounding box.
	inkLevel = 0.1
)

// Sentinel errors.
var (
	ErrFormat = errors.New("not a PNG, JPEG or GIF image")
	ErrSize   = errors.New("image too large")
	ErrBlank  = errors.New("no ink found in the image")
)

// Decode reads a PNG, JPEG or GIF image, refusing files over MaxFileBytes and images
// wider or taller than MaxSide pixels before decoding their pixels.
func Decode(r io.Reader) (image.Image, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%w: over %d MiB", ErrSize, MaxFileBytes>>20)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxSide || cfg.Height > MaxSide {
		return nil, fmt.Errorf("%w: %dx%d pixels (expected 1 to %d per side)", ErrSize, cfg.Width, cfg.Height, MaxSide)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return img, nil
}

// Digit turns img into a 28x28 MNIST-like image: 784 values in [0,1], ink 1, row-major.
// Either polarity works: the background is whatever dominates the image's border.
// Transparent pixels count as background. Beyond MNIST's recipe, faint ink is
// stretched to full strength (a pencil reads like a pen) and slanted writing is sheared
// upright: the shear that makes the ink's second moments uncorrelated, x against y (the
// classic deskewing of MNIST), at most 45 degrees. Both measured in package robust.
func Digit(img image.Image) ([]float32, error) { return fit(img, Box, true, true) }

// DigitKeepSlant is Digit without the deskewing: for comparison.
func DigitKeepSlant(img image.Image) ([]float32, error) { return fit(img, Box, true, false) }

// Picture turns img into a 28x28 image the way Fashion-MNIST's were made (Xiao et al.
// 2017): the object, bright on dark, cropped to its extent, the longer side scaled to 28
// pixels, centred. Either polarity works, as for Digit.
func Picture(img image.Image) ([]float32, error) { return fit(img, dataset.Side, false, false) }

// fit crops img to its ink, scales the longer side to box pixels and places it in the
// 28x28 field: its centre of mass at the centre (byMass), or its bounding box.
func fit(img image.Image, box int, byMass, deskew bool) ([]float32, error) {
	page, err := analyse(img, !byMass) // placed by its box: a Fashion-MNIST object, solid
	if err != nil {
		return nil, err
	}
	if byMass { // a digit: the writing, not the specks, shadows and lines around it
		return page.glyph(page.Main(), 0, page.W, deskew)
	}
	return fitInk(page.Ink, page.W, page.H, box, byMass, deskew)
}

// fitInk is fit on a w x h ink map (it changes ink).
func fitInk(ink []float64, w, h, box int, byMass, deskew bool) ([]float32, error) {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.strong = stretch(ink, sc.strong[:0])
	if deskew {
		ink, w = unslant(ink, w, h)
	}
	x0, y0, x1, y1, ok := inkBounds(ink, w, h)
	if !ok {
		return nil, ErrBlank
	}
	// Crop to the ink and scale the longer side to box pixels, anti-aliased.
	bw, bh := x1-x0, y1-y0
	sw, sh := box, box
	if bw > bh {
		sh = max(1, int(math.Round(float64(box*bh)/float64(bw))))
	} else {
		sw = max(1, int(math.Round(float64(box*bw)/float64(bh))))
	}
	sc.crop = grow(sc.crop, bw*bh)
	crop := sc.crop
	for y := range bh {
		for x := range bw {
			crop[y*bw+x] = uint16(ink[(y0+y)*w+x0+x]*0xffff + 0.5)
		}
	}
	sc.small = grow(sc.small, sw*sh)
	small := sc.small
	scaleGray16(small, sw, sh, crop, bw, bh)
	// Place it so that its centre of mass lands on the field's centre, to the nearest pixel.
	var mx, my, m float64
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			v := float64(small[y*sw+x]) / 0xffff
			mx, my, m = mx+v*float64(x), my+v*float64(y), m+v
		}
	}
	if m == 0 {
		return nil, ErrBlank
	}
	const centre = float64(dataset.Side-1) / 2
	ox, oy := int(math.Round(centre-mx/m)), int(math.Round(centre-my/m))
	if !byMass {
		ox, oy = (dataset.Side-sw)/2, (dataset.Side-sh)/2
	}
	out := make([]float32, dataset.Side*dataset.Side)
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			if tx, ty := x+ox, y+oy; tx >= 0 && ty >= 0 && tx < dataset.Side && ty < dataset.Side {
				out[ty*dataset.Side+tx] = float32(small[y*sw+x]) / 0xffff
			}
		}
	}
	return out, nil
}

// stretch scales ink so that its strong part reaches 1, as MNIST's pen strokes do: a
// faint pencil or a grey scan reads like black ink. The level taken as full ink is the
// 90th percentile of the pixels above inkLevel, so a few dark specks do not set it. The
// strong pixels are gathered in buf, returned for reuse.
func stretch(ink, buf []float64) []float64 {
	strong := buf[:0]
	for _, v := range ink {
		if v > inkLevel {
			strong = append(strong, v)
		}
	}
	if len(strong) == 0 {
		return strong
	}
	full := fullInk(strong)
	for i, v := range ink {
		ink[i] = min(1, v/full)
	}
	return strong
}

// fullInk is the level taken as full ink among strong, the pixels above inkLevel: their
// 90th percentile (strong is reordered).
func fullInk(strong []float64) float64 {
	return nth(strong, len(strong)*9/10)
}

// nth is the element that would be at index k were xs sorted (xs is reordered; no NaN),
// found by Hoare's selection in linear time: sorting every glyph's pixels for one
// percentile was a tenth of the reader's time. The standard library sorts but does not
// select.
func nth(xs []float64, k int) float64 {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		// The median of the first, middle and last as the pivot: sorted or constant
		// input stays linear.
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k]
		}
	}
	return xs[k]
}

// inkBounds is the smallest rectangle [x0,x1) x [y0,y1) holding every pixel of ink.
func inkBounds(ink []float64, w, h int) (x0, y0, x1, y1 int, ok bool) {
	x0, y0 = w, h
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if ink[y*w+x] > inkLevel {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x+1), max(y1, y+1)
			}
		}
	}
	return x0, y0, x1, y1, x1 > x0
}

// unslant shears the w x h ink map so that its second moments are uncorrelated: row y
// moves by -skew·(y - cy) with skew = mu11/mu02, sampled linearly, in a map widened to
// hold it. It returns the new map and its width.
func unslant(ink []float64, w, h int) ([]float64, int) {
	var m, mx, my float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := ink[y*w+x]
			m, mx, my = m+v, mx+v*float64(x), my+v*float64(y)
		}
	}
	if m == 0 {
		return ink, w
	}
	cx, cy := mx/m, my/m
	var mu11, mu02 float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := ink[y*w+x]
			mu11 += v * (float64(x) - cx) * (float64(y) - cy)
			mu02 += v * (float64(y) - cy) * (float64(y) - cy)
		}
	}
	if mu02 == 0 {
		return ink, w
	}
	skew := max(-1, min(1, mu11/mu02))
	pad := int(math.Ceil(math.Abs(skew)*float64(h))) + 1
	nw := w + 2*pad
	out := make([]float64, nw*h)
	for y := 0; y < h; y++ {
		shift := skew * (float64(y) - cy) // new x + shift - pad is the old x
		for x := 0; x < nw; x++ {
			sx := float64(x-pad) + shift
			x0 := math.Floor(sx)
			f := sx - x0
			i := int(x0)
			var v float64
			if i >= 0 && i < w {
				v += (1 - f) * ink[y*w+i]
			}
			if i+1 >= 0 && i+1 < w {
				v += f * ink[y*w+i+1]
			}
			out[y*nw+x] = v
		}
	}
	return out, nw
}
