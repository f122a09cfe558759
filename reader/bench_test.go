package reader

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
)

// bigPhoto is a 4000x3000 JPEG of a phone photo of one test digit (a 7): the digit a
// quarter of the frame high, uneven light, sensor noise.
func bigPhoto(tb testing.TB) []byte {
	tb.Helper()
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		tb.Fatal(err)
	}
	small := augment.Photo{Scale: 4, Frame: 4, Light: 0.3, Noise: 0.02}.Draw(dataset.Floats(set)[:784], 28, rand.New(rand.NewPCG(9, 9)))
	big := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	b := small.Bounds()
	for y := range 3000 {
		for x := range 4000 {
			big.Set(x, y, small.At(b.Min.X+x*b.Dx()/4000, b.Min.Y+y*b.Dy()/3000))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, big, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// builtinReader is a reader of the built-in model, closed when the test ends.
func builtinReader(tb testing.TB) *Reader {
	tb.Helper()
	p, err := checkpoints.LoadDefault()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := New(p)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// BenchmarkReadPhoto decodes and reads a 4000x3000 JPEG of one digit: the path of
// lenet read and predict on a phone's photo.
func BenchmarkReadPhoto(b *testing.B) {
	data := bigPhoto(b)
	r := builtinReader(b)
	b.ReportAllocs()
	for b.Loop() {
		img, err := preprocess.Decode(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if reading, err := r.Read(context.Background(), img); err != nil || reading.Text != "7" {
			b.Fatalf("read %q, %v", reading.Text, err)
		}
	}
}

// TestHostilePictures: pure noise and 100,000 specks end quickly with no digits or a
// bounded list (what the deadline allows on a slow machine is generous; the benchmark
// measures).
func TestHostilePictures(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	noise := image.NewGray(image.Rect(0, 0, 2000, 2000))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(rng.IntN(256))
	}
	specks := image.NewGray(image.Rect(0, 0, 2000, 2000))
	for i := range specks.Pix {
		specks.Pix[i] = 255
	}
	for range 100_000 {
		specks.SetGray(rng.IntN(2000), rng.IntN(2000), color.Gray{})
	}
	r := builtinReader(t)
	for name, img := range map[string]image.Image{"noise": noise, "100,000 specks": specks} {
		start := time.Now()
		reading, err := r.Read(context.Background(), img)
		took := time.Since(start)
		t.Logf("%s: %q, %v in %v", name, reading.Text, err, took)
		if err == nil && len(reading.Digits) > MaxDigits {
			t.Errorf("%s: %d digits", name, len(reading.Digits))
		}
		if took > 10*time.Second {
			t.Errorf("%s took %v", name, took)
		}
	}
}

// TestPieceBudget: a group of touching digits whose pieces would overrun what is left
// of the picture's budget is read as one digit, the budget untouched; with enough budget
// it is cut into its digits and the budget pays for its pieces.
func TestPieceBudget(t *testing.T) {
	r := builtinReader(t)
	e, err := r.engine(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r.release(e)
	page, groups, g := touchingNumber(t)
	need := 0
	for range spans(cutCandidates(columnInk(page, g), g.x0, DefaultCutting), max(float64(g.y1-g.y0), medianHeight(groups)), DefaultCutting) {
		need++
	}
	for _, budget := range []int{need - 1, need} {
		left := budget
		ds, err := r.readGroup(e, page, g, medianHeight(groups), &left)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("budget %d of the %d pieces: %d digits, %d left", budget, need, len(ds), left)
		switch {
		case budget < need && (len(ds) != 1 || left != budget):
			t.Errorf("budget %d < %d: %d digits, %d left (expected one digit, the budget untouched)", budget, need, len(ds), left)
		case budget == need && (len(ds) < 2 || left != 0):
			t.Errorf("budget %d: %d digits, %d left (expected the group cut and the budget spent)", budget, len(ds), left)
		}
	}
}

// touchingNumber is the page of a photo of four test digits (2, 7, 4, 0) that touch,
// its groups and the widest of them.
func touchingNumber(tb testing.TB) (*preprocess.Page, []*group, *group) {
	tb.Helper()
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		tb.Fatal(err)
	}
	x := dataset.Floats(set)
	var digits [][]float32
	for _, i := range []int{1, 0, 4, 3} {
		digits = append(digits, x[i*dataset.Pixels:(i+1)*dataset.Pixels])
	}
	ink, w := augment.Number(digits, dataset.Side, []int{-2, -2, -2})
	page, err := preprocess.Analyse(augment.Photo{Scale: 3}.DrawInk(ink, w, dataset.Side, rand.New(rand.NewPCG(1, 2))))
	if err != nil {
		tb.Fatal(err)
	}
	groups := groupMarks(page.Marks, DefaultCutting.Merge)
	var g *group
	for _, c := range groups {
		if g == nil || c.x1-c.x0 > g.x1-g.x0 {
			g = c
		}
	}
	return page, groups, g
}

// BenchmarkPieces scores the pieces of a group of four touching digits as the reader
// does while cutting (the digit model, the built-in committee of nine, and the verifier,
// in batches), and reports the time a piece: what MaxPieces bounds.
func BenchmarkPieces(b *testing.B) {
	r := builtinReader(b)
	e, err := r.engine(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer r.release(e)
	page, groups, g := touchingNumber(b)
	cuts := cutCandidates(columnInk(page, g), g.x0, DefaultCutting)
	var cols [][2]int
	for i, j := range spans(cuts, max(float64(g.y1-g.y0), medianHeight(groups)), DefaultCutting) {
		cols = append(cols, [2]int{cuts[i], cuts[j]})
	}
	for b.Loop() {
		ds, _, err := r.readPieces(e, page, g, cols)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.oneDigits(e, page, g, cols, ds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cols))/1e6, "ms/piece")
}

// BenchmarkCommitteeBatch runs the built-in committee on one machine (as an engine does)
// at batches of 1 to 64 test images and reports the time an image: what pieceBatch and
// fewestBatched were chosen by (a batch of 16 costs about five images one at a time).
func BenchmarkCommitteeBatch(b *testing.B) {
	m, err := checkpoints.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		b.Fatal(err)
	}
	x := dataset.Floats(set)
	for _, batch := range []int{1, 4, 8, 16, 32, 64} {
		b.Run(fmt.Sprint(batch), func(b *testing.B) {
			ev, err := graph.NewSerialCommittee(m.Networks(), m.Temperature, batch)
			if err != nil {
				b.Fatal(err)
			}
			defer ev.Close()
			for b.Loop() {
				if _, err := ev.Probabilities(x[:batch*dataset.Pixels]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "us/image")
		})
	}
}
