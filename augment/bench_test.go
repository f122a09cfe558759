package augment

import (
	"context"
	"errors"
	"image"
	"io"
	"math"
	"testing"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// defaultish is the train command's earliest default distortion, plus noise.
var defaultish = Params{Shift: 2, Zoom: 0.1, Rotate: 10, Noise: 0.1}

// withPens is train's default distortion: a shear, thicker and thinner strokes and blur
// besides the affine warp, a quarter of the images left as they are.
var withPens = Params{Shift: 3, Zoom: 0.2, Rotate: 15, Shear: 0.3, Thickness: 0.75, Blur: 0.75, Clean: 0.25}

// BenchmarkWarp is the hand-written float32 bilinear warp of one 28x28 image.
func BenchmarkWarp(b *testing.B) {
	src, dst := blob(12, 14, 4), make([]float32, side*side)
	inv := Transform{DX: 1.5, DY: -1, Scale: 1.1, Degrees: 8}.inverse(side)
	for b.Loop() {
		warp(dst, src, side, inv, nil, nil)
	}
}

// BenchmarkWarpXImageDraw is the same warp with golang.org/x/image/draw's bilinear
// Transform on 8-bit grey images (which also costs precision: 256 levels).
func BenchmarkWarpXImageDraw(b *testing.B) {
	src, dst := image.NewGray(image.Rect(0, 0, side, side)), image.NewGray(image.Rect(0, 0, side, side))
	for i, v := range blob(12, 14, 4) {
		src.Pix[i] = uint8(v * 255)
	}
	t := Transform{DX: 1.5, DY: -1, Scale: 1.1, Degrees: 8}
	rad := t.Degrees * math.Pi / 180
	cos, sin, c := math.Cos(rad)*t.Scale, math.Sin(rad)*t.Scale, float64(side)/2
	s2d := f64.Aff3{cos, -sin, c + t.DX - cos*c + sin*c, sin, cos, c + t.DY - sin*c - cos*c}
	for b.Loop() {
		draw.BiLinear.Transform(dst, s2d, src, src.Bounds(), draw.Src, nil)
	}
}

// BenchmarkDistort is one image's full default distortion with noise: images/s per core.
func BenchmarkDistort(b *testing.B) {
	for _, c := range []struct {
		name string
		p    Params
	}{{"affine+noise", defaultish}, {"default (shear, thickness, blur)", withPens}, {"elastic", Params{Elastic: Elastic{Alpha: 8, Sigma: 4}}}} {
		b.Run(c.name, func(b *testing.B) {
			src, dst := blob(12, 14, 4), make([]float32, side*side)
			d := NewDistorter(c.p, side)
			i := 0
			for b.Loop() {
				d.Apply(dst, src, Rand(1, 1, i))
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

// BenchmarkStream measures the pipeline's delivery: batches of 32 distorted images per
// second, batch 32 as train uses by default, for 1 and 2 workers (the consumer does
// nothing). Training consumes about 100 such batches per second (BenchmarkTrainStep).
func BenchmarkStream(b *testing.B) {
	s := testSet(32 * 400)
	for _, c := range []struct {
		name    string
		workers int
		p       *Params
	}{{"workers=1", 1, &defaultish}, {"workers=2", 2, &defaultish}, {"default/workers=2", 2, &withPens}} {
		w := c.workers
		b.Run(c.name, func(b *testing.B) {
			batches := 0
			for b.Loop() {
				st, err := NewStream(context.Background(), s, Config{Batch: 32, Seed: 1, Epoch: 1, Workers: w, Distort: c.p})
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := st.Next(); errors.Is(err, io.EOF) {
						break
					} else if err != nil {
						b.Fatal(err)
					}
					batches++
				}
				st.Close()
			}
			b.ReportMetric(float64(batches)/b.Elapsed().Seconds(), "batches/s")
		})
	}
}
