package reader

import (
	"context"
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
)

// numberPhotos are n photos of numbers of 2 to 6 test digits, touching in half of them
// (overlapping by one or two pixels) and apart in the rest, some on tinted paper under
// uneven light, with what each says.
func numberPhotos(tb testing.TB, n int) ([]image.Image, []string) {
	tb.Helper()
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		tb.Fatal(err)
	}
	x := dataset.Floats(set)
	rng := rand.New(rand.NewPCG(33, 1))
	var imgs []image.Image
	var wants []string
	for k := range n {
		var digits [][]float32
		var gaps []int
		want := ""
		for j := range 2 + rng.IntN(5) {
			i := rng.IntN(set.Count)
			digits = append(digits, x[i*dataset.Pixels:(i+1)*dataset.Pixels])
			want += string(rune('0' + set.Labels[i]))
			if j > 0 {
				if k%2 == 0 {
					gaps = append(gaps, -1-rng.IntN(2))
				} else {
					gaps = append(gaps, 3+rng.IntN(6))
				}
			}
		}
		ink, w := augment.Number(digits, dataset.Side, gaps)
		photo := augment.Photo{Scale: 3}
		if k%3 == 2 {
			photo = augment.Photo{Scale: 3, Light: 0.3, Noise: 0.03, JPEG: 80, Paper: color.RGBA{222, 216, 200, 255}}
		}
		imgs = append(imgs, photo.DrawInk(ink, w, dataset.Side, rng))
		wants = append(wants, want)
	}
	return imgs, wants
}

// readings reads imgs one after another, an error as a reading of its text.
func readings(tb testing.TB, r *Reader, imgs []image.Image) []Reading {
	tb.Helper()
	out := make([]Reading, len(imgs))
	for i, img := range imgs {
		reading, err := r.Read(context.Background(), img)
		if err != nil && !errors.Is(err, ErrNoDigits) {
			tb.Fatal(err)
		}
		if err != nil {
			reading.Text = err.Error()
		}
		out[i] = reading
	}
	return out
}

// TestBatchingChangesNothing: the pieces scored in batches give the readings of the
// pieces scored one at a time (batch 1, the reader before batching), bit for bit, on
// 100 numbers, touching and apart, plain and photographed.
func TestBatchingChangesNothing(t *testing.T) {
	p, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	one, err := newReader(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	batched := builtinReader(t)
	imgs, wants := numberPhotos(t, 100)
	a, b := readings(t, one, imgs), readings(t, batched, imgs)
	right := 0
	for i := range imgs {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Errorf("number %d (%s): one piece at a time %+v, in batches %+v", i, wants[i], a[i], b[i])
		}
		if a[i].Text == wants[i] {
			right++
		}
	}
	t.Logf("100 numbers: the same readings, %d read whole and sure", right)
	if right < 80 { // the pictures must be numbers the reader cuts, not blanks
		t.Errorf("only %d of 100 numbers read", right)
	}
}

// TestReadInParallel: eight goroutines reading the same pictures at once get the
// readings one reader gets alone, and the reader makes no more engines than cores.
func TestReadInParallel(t *testing.T) {
	r := builtinReader(t)
	imgs, _ := numberPhotos(t, 24)
	want := readings(t, r, imgs)
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(imgs))
	for g := range 8 {
		wg.Go(func() {
			for k := range imgs {
				i := (k + 3*g) % len(imgs)
				reading, err := r.Read(context.Background(), imgs[i])
				if err != nil && !errors.Is(err, ErrNoDigits) {
					errs <- err.Error()
					return
				}
				if err != nil {
					reading.Text = err.Error()
				}
				if !reflect.DeepEqual(reading, want[i]) {
					errs <- "picture " + want[i].Text + " read as " + reading.Text
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if r.made > cap(r.idle) || len(r.idle) != r.made {
		t.Errorf("%d engines made, %d idle, for %d cores", r.made, len(r.idle), cap(r.idle))
	}
}

// countdown is a context that ends after its Err has been asked left times.
type countdown struct {
	context.Context
	left atomic.Int32
}

func (c *countdown) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestReadCancelled: a read whose context has ended, or ends between two groups of ink,
// returns the context's error and gives its engine back; the same picture is read whole
// when the context lasts.
func TestReadCancelled(t *testing.T) {
	r := builtinReader(t)
	imgs, wants := numberPhotos(t, 2)
	img := imgs[1] // digits apart: a group each
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Read(ended, img); !errors.Is(err, context.Canceled) {
		t.Fatalf("read with an ended context: %v", err)
	}
	for _, left := range []int32{1, 2} {
		ctx := &countdown{Context: context.Background()}
		ctx.left.Store(left)
		if _, err := r.Read(ctx, img); !errors.Is(err, context.Canceled) {
			t.Fatalf("context ended after %d checks: %v", left, err)
		}
	}
	if got := len(r.idle); got != r.made {
		t.Fatalf("%d engines made, %d given back", r.made, got)
	}
	ctx := &countdown{Context: context.Background()}
	ctx.left.Store(100)
	reading, err := r.Read(ctx, img)
	if err != nil || reading.Text != wants[1] {
		t.Fatalf("read %q, %v; expected %q", reading.Text, err, wants[1])
	}
}

// TestNewRefusesOtherModels: a model of Fashion-MNIST's clothes, whether its data set
// was settled by checkpoints.Open or only its manifest says so, is refused with the
// reason; the built-in model is taken.
func TestNewRefusesOtherModels(t *testing.T) {
	p, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	opened := *p
	opened.Dataset = dataset.Fashion
	man := *p.Manifest
	man.Hyper.Dataset = dataset.Fashion.Name
	manifested := *p
	manifested.Manifest = &man
	for name, m := range map[string]*checkpoints.Model{"opened": &opened, "manifest": &manifested} {
		r, err := New(m)
		if err == nil {
			r.Close()
			t.Fatalf("%s: a Fashion-MNIST model was taken", name)
		}
		if !strings.Contains(err.Error(), "Fashion-MNIST") || !strings.Contains(err.Error(), "digits") {
			t.Errorf("%s: %v (want the data set and the reason)", name, err)
		}
	}
	r, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}

// TestVerifierIsItsOwnModel: the built-in verifier is a two-class model of the reader's
// pieces; it is refused as a digit model, a digit model is refused as a verifier, and so
// is a model of pieces with ten outputs, each with the reason.
func TestVerifierIsItsOwnModel(t *testing.T) {
	v, err := BuiltinVerifier()
	if err != nil {
		t.Fatal(err)
	}
	if v.Dataset.Name != dataset.Pieces.Name || v.Params.Arch.Classes != 2 || v.Manifest.Hyper.Dataset != dataset.Pieces.Name {
		t.Fatalf("built-in verifier: data set %q (manifest %q), %d classes; expected a two-class model of pieces", v.Dataset.Name, v.Manifest.Hyper.Dataset, v.Params.Arch.Classes)
	}
	if r, err := New(v); err == nil || !strings.Contains(err.Error(), "reader pieces") || !strings.Contains(err.Error(), "cannot read numbers") {
		if r != nil {
			r.Close()
		}
		t.Errorf("the verifier as the digit model: %v (want a refusal naming its data set)", err)
	}
	r := builtinReader(t)
	p, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.UseVerifier(p, DefaultCutting); err == nil || !strings.Contains(err.Error(), "MNIST") || !strings.Contains(err.Error(), "cannot verify pieces") {
		t.Errorf("the digit model as the verifier: %v (want a refusal naming its data set)", err)
	}
	ten, err := graph.ZeroParams(graph.SeedArch, v.Params.Dtype)
	if err != nil {
		t.Fatal(err)
	}
	wide := &checkpoints.Model{Params: ten, Name: "ten outputs", Dataset: dataset.Pieces}
	if err := r.UseVerifier(wide, DefaultCutting); err == nil || !strings.Contains(err.Error(), "10 outputs, not reader pieces's 2") {
		t.Errorf("a ten-output model of pieces as the verifier: %v", err)
	}
	if err := r.UseVerifier(v, DefaultCutting); err != nil {
		t.Fatal(err)
	}
}
