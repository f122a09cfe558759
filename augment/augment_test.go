package augment

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lenet/lenet/dataset"
)

const side = dataset.Side

// blob is a 28x28 image with a bright Gaussian spot of radius ~r at (cx, cy).
func blob(cx, cy, r float64) []float32 {
	img := make([]float32, side*side)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			d2 := (float64(x)-cx)*(float64(x)-cx) + (float64(y)-cy)*(float64(y)-cy)
			img[y*side+x] = float32(math.Exp(-d2 / (2 * r * r)))
		}
	}
	return img
}

func centreOfMass(img []float32) (float64, float64) {
	var sx, sy, m float64
	for i, v := range img {
		sx += float64(v) * float64(i%side)
		sy += float64(v) * float64(i/side)
		m += float64(v)
	}
	return sx / m, sy / m
}

func TestZeroDistortionIsIdentity(t *testing.T) {
	src := blob(10, 17, 3)
	dst := make([]float32, len(src))
	NewDistorter(Params{}, side).Apply(dst, src, Rand(1, 1, 1))
	if !slices.Equal(dst, src) {
		t.Fatal("zero distortion changed the image")
	}
}

func TestShiftMovesCentreOfMass(t *testing.T) {
	src := blob(12, 14, 2)
	cx, cy := centreOfMass(src)
	for _, k := range []float64{-3, 1, 2.5} {
		dst := make([]float32, len(src))
		Warp(dst, src, side, Transform{DX: k, DY: -k, Scale: 1})
		gx, gy := centreOfMass(dst)
		if math.Abs(gx-cx-k) > 0.02 || math.Abs(gy-cy+k) > 0.02 {
			t.Errorf("shift (%g,%g) moved the centre of mass by (%.3f,%.3f)", k, -k, gx-cx, gy-cy)
		}
	}
}

func TestRotate90(t *testing.T) {
	src := make([]float32, side*side)
	src[10*side+20] = 1 // the pixel at x=20, y=10: right of and above the centre (13.5,13.5)
	dst := make([]float32, side*side)
	Warp(dst, src, side, Transform{Scale: 1, Degrees: 90})
	// A quarter turn clockwise on screen takes it below the centre: x=17, y=20.
	if dst[20*side+17] < 0.999 {
		x, y := centreOfMass(dst)
		t.Fatalf("rotated pixel not at (17,20): centre of mass (%.2f,%.2f)", x, y)
	}
}

func TestZoomKeepsCentre(t *testing.T) {
	src := blob(13.5, 13.5, 3)
	for _, s := range []float64{0.8, 1.25} {
		dst := make([]float32, len(src))
		Warp(dst, src, side, Transform{Scale: s})
		x, y := centreOfMass(dst)
		if math.Abs(x-13.5) > 1e-3 || math.Abs(y-13.5) > 1e-3 {
			t.Errorf("zoom %g moved the centre to (%.4f,%.4f)", s, x, y)
		}
		if s > 1 && dst[13*side+18] <= src[13*side+18] {
			t.Errorf("zoom %g did not enlarge the spot", s)
		}
	}
}

func TestNoiseStdAndRange(t *testing.T) {
	grey := make([]float32, side*side)
	for i := range grey {
		grey[i] = 0.5
	}
	d := NewDistorter(Params{Noise: 0.1}, side)
	var sum, sum2 float64
	n := 0
	dst := make([]float32, len(grey))
	for k := 0; k < 50; k++ {
		d.Apply(dst, grey, Rand(3, 1, k))
		for _, v := range dst {
			sum += float64(v) - 0.5
			sum2 += (float64(v) - 0.5) * (float64(v) - 0.5)
			n++
		}
	}
	mean := sum / float64(n)
	std := math.Sqrt(sum2/float64(n) - mean*mean)
	if math.Abs(std-0.1) > 0.005 || math.Abs(mean) > 0.005 {
		t.Fatalf("noise mean %.4f std %.4f, want 0 and 0.1", mean, std)
	}
	// Strong distortions of random images stay in [0,1].
	strong := NewDistorter(Params{Shift: 4, Zoom: 0.3, Rotate: 45, Noise: 0.5, Elastic: Elastic{Alpha: 8, Sigma: 3}}, side)
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 20; k++ {
		src := make([]float32, side*side)
		for i := range src {
			src[i] = rng.Float32()
		}
		strong.Apply(dst, src, Rand(1, 1, k))
		for i, v := range dst {
			if v < 0 || v > 1 || v != v {
				t.Fatalf("pixel %d = %g, outside [0,1]", i, v)
			}
		}
	}
}

func TestElasticDisplaces(t *testing.T) {
	src := blob(13.5, 13.5, 4)
	dst := make([]float32, len(src))
	NewDistorter(Params{Elastic: Elastic{Alpha: 6, Sigma: 4}}, side).Apply(dst, src, Rand(1, 1, 1))
	if slices.Equal(dst, src) {
		t.Fatal("elastic distortion left the image unchanged")
	}
}

// testSet makes a set of n random images with labels i % 10.
func testSet(n int) *dataset.Set {
	rng := rand.New(rand.NewPCG(8, 8))
	s := &dataset.Set{Images: dataset.Images{Count: n, Rows: side, Cols: side, Pixels: make([]byte, n*side*side)}, Labels: make([]byte, n)}
	for i := range s.Pixels {
		s.Pixels[i] = byte(rng.IntN(256))
	}
	for i := range s.Labels {
		s.Labels[i] = byte(i % 10)
	}
	return s
}

func collect(t *testing.T, s *dataset.Set, c Config) []Batch {
	t.Helper()
	st, err := NewStream(context.Background(), s, c)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []Batch
	for {
		b, err := st.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
}

// collectHelped reads a stream without workers of its own while 3 goroutines help it
// until the last batch is read.
func collectHelped(t *testing.T, s *dataset.Set, c Config) []Batch {
	t.Helper()
	st, err := NewStream(context.Background(), s, c)
	if err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	helps := make([]int, 3)
	for h := range helps {
		wg.Go(func() {
			for !stop.Load() {
				if st.Help() {
					helps[h]++
				} else {
					runtime.Gosched()
				}
			}
		})
	}
	var out []Batch
	for {
		b, err := st.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	stop.Store(true)
	wg.Wait()
	st.Close()
	if st.Help() {
		t.Error("Help after Close found work")
	}
	t.Logf("pieces made by helpers: %v", helps)
	return out
}

func TestStreamDeterministicAcrossWorkers(t *testing.T) {
	s := testSet(103)
	p := &Params{Shift: 2, Zoom: 0.1, Rotate: 10, Noise: 0.1, Elastic: Elastic{Alpha: 3, Sigma: 4}, Shear: 0.3, Thickness: 1, Blur: 1, Flag: 0.5}
	one := collect(t, s, Config{Batch: 10, Seed: 5, Epoch: 2, Workers: 1, Distort: p})
	four := collect(t, s, Config{Batch: 10, Seed: 5, Epoch: 2, Workers: 4, Prefetch: 3, Distort: p})
	helped := collectHelped(t, s, Config{Batch: 10, Seed: 5, Epoch: 2, Workers: Helped, Distort: p})
	if len(one) != 10 || len(four) != 10 || len(helped) != 10 {
		t.Fatalf("got %d, %d and %d batches, want 10 (103 images, batch 10)", len(one), len(four), len(helped))
	}
	for i := range one {
		if one[i].Index != i || !slices.Equal(one[i].X, four[i].X) || !slices.Equal(one[i].Labels, four[i].Labels) {
			t.Fatalf("batch %d differs between 1 and 4 workers", i)
		}
		if helped[i].Index != i || !slices.Equal(one[i].X, helped[i].X) || !slices.Equal(one[i].Labels, helped[i].Labels) {
			t.Fatalf("batch %d differs between 1 worker and none (helpers)", i)
		}
	}
	other := collect(t, s, Config{Batch: 10, Seed: 5, Epoch: 3, Workers: 2, Distort: p})
	if slices.Equal(one[0].Labels, other[0].Labels) && slices.Equal(one[0].X, other[0].X) {
		t.Fatal("epochs 2 and 3 gave the same first batch")
	}
	late := collect(t, s, Config{Batch: 10, Seed: 5, Epoch: 2, Workers: 2, Start: 7, Distort: p})
	if len(late) != 3 || late[0].Index != 7 || !slices.Equal(late[0].X, one[7].X) {
		t.Fatalf("starting at batch 7 gave %d batches, the first not batch 7 of the full epoch", len(late))
	}
	plain := collect(t, s, Config{Batch: 10, Seed: 5, Epoch: 2, Workers: 3})
	if !slices.Equal(plain[0].Labels, one[0].Labels) || slices.Equal(plain[0].X, one[0].X) {
		t.Fatal("undistorted stream should hold the same images, undistorted")
	}
}

func TestStreamCancelLeavesNoGoroutines(t *testing.T) {
	s := testSet(500)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := NewStream(ctx, s, Config{Batch: 5, Seed: 1, Epoch: 1, Workers: 4, Distort: &Params{Rotate: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Next(); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := st.Next(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next after cancel: %v, want context.Canceled even with batches made ahead", err)
	}
	st.Close()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after Close, %d before the stream", n, before)
	}
	if _, err := NewStream(context.Background(), s, Config{Batch: 501}); err == nil {
		t.Fatal("batch larger than the set was accepted")
	}
}

// TestBlurIsSeparableGaussian blurs a unit impulse: the result must be the outer product
// of the kernel with itself, centred on the impulse.
func TestBlurIsSeparableGaussian(t *testing.T) {
	k := Gaussian(2)
	r := len(k) / 2
	f, tmp := make([]float64, side*side), make([]float64, side*side)
	f[14*side+12] = 1
	blur(f, tmp, side, k)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			want := 0.0
			if dy, dx := y-14+r, x-12+r; dy >= 0 && dy < len(k) && dx >= 0 && dx < len(k) {
				want = k[dy] * k[dx]
			}
			if math.Abs(f[y*side+x]-want) > 1e-15 {
				t.Fatalf("blurred impulse at (%d,%d) = %g, want %g", x, y, f[y*side+x], want)
			}
		}
	}
}

// TestCleanShare leaves about the given share of images as they are, the others
// distorted, drawing the choice per image.
func TestCleanShare(t *testing.T) {
	src := blob(12, 15, 3)
	for _, share := range []float64{0, 0.25, 1} {
		d := NewDistorter(Params{Shift: 3, Rotate: 15, Blur: 0.75, Clean: share}, side)
		same := 0
		for i := range 2000 {
			dst := make([]float32, len(src))
			d.Apply(dst, src, Rand(1, 1, i))
			if slices.Equal(dst, src) {
				same++
			}
		}
		if got := float64(same) / 2000; math.Abs(got-share) > 0.03 {
			t.Errorf("clean %g: %.3f of the images unchanged", share, got)
		}
	}
}
