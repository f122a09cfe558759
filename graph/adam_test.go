package graph

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lenet/lenet/dataset"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestAdamMatchesGorgonia trains two copies of the model for 6 steps, one with the
// Trainer's update (AdamSolver) and one with gorgonia's AdamSolver stepping the same
// graph's gradients: the weights must be bit-identical.
func TestAdamMatchesGorgonia(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		opt := Adam{LR: 3e-3, Beta1: 0.8, Beta2: 0.99, Eps: 1e-7}
		ours, _ := NewParams(dt, 5)
		theirs, _ := NewParams(dt, 5)
		a, err := newTrainerShares(ours, 8, Optimizer{Adam: opt}, 1)
		if err != nil {
			t.Fatal(err)
		}
		b, err := newTrainerShares(theirs, 8, Optimizer{Adam: opt}, 1)
		if err != nil {
			t.Fatal(err)
		}
		gorgonias := G.NewAdamSolver(G.WithLearnRate(opt.LR), G.WithBeta1(opt.Beta1), G.WithBeta2(opt.Beta2), G.WithEps(opt.Eps))
		for step := 0; step < 6; step++ {
			x, y := randomImages(8, uint64(step))
			if _, _, err := a.Step(x, y); err != nil {
				t.Fatal(err)
			}
			if err := b.forwardBackward(x, y); err != nil {
				t.Fatal(err)
			}
			if err := gorgonias.Step(b.replicas[0].grads); err != nil {
				t.Fatal(err)
			}
			b.reset(false)
		}
		a.Close()
		b.Close()
		moved := false
		for i := range SeedArch.Layout() {
			w, _ := NewParams(dt, 5)
			switch d := ours.Learnables()[i].Data().(type) {
			case []float32:
				if !slices.Equal(d, theirs.Learnables()[i].Data().([]float32)) {
					t.Fatalf("%v %s: weights differ from gorgonia's Adam", dt, SeedArch.Layout()[i].Name)
				}
				moved = moved || !slices.Equal(d, w.Learnables()[i].Data().([]float32))
			case []float64:
				if !slices.Equal(d, theirs.Learnables()[i].Data().([]float64)) {
					t.Fatalf("%v %s: weights differ from gorgonia's Adam", dt, SeedArch.Layout()[i].Name)
				}
				moved = moved || !slices.Equal(d, w.Learnables()[i].Data().([]float64))
			}
		}
		if !moved || a.Adam.Steps() != 6 {
			t.Fatalf("%v: weights did not move, or %d steps counted", dt, a.Adam.Steps())
		}
	}
}

// TestDivergedStepLeavesWeights feeds a NaN pixel: the step must report ErrDiverged and
// leave every weight as it was.
func TestDivergedStepLeavesWeights(t *testing.T) {
	p, _ := NewParams(tensor.Float32, 3)
	before, _ := NewParams(tensor.Float32, 3)
	tr, err := NewTrainer(p, 4, Optimizer{Adam: DefaultAdam})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	x, y := randomImages(4, 1)
	x[100] = float32(math.NaN())
	if _, _, err := tr.Step(x, y); !errors.Is(err, ErrDiverged) {
		t.Fatalf("NaN input: %v, want ErrDiverged", err)
	}
	for i := range SeedArch.Layout() {
		if !slices.Equal(p.Learnables()[i].Data().([]float32), before.Learnables()[i].Data().([]float32)) {
			t.Fatalf("%s changed after a diverged step", SeedArch.Layout()[i].Name)
		}
	}
}

func TestSchedules(t *testing.T) {
	const base = 0.01
	cases := []struct {
		s    Schedule
		step int
		want float64
	}{
		{Schedule{Kind: "constant"}, 500, base},
		{Schedule{Kind: "step", StepEpochs: 2, Gamma: 0.5}, 199, base},      // epoch 2 (steps 100-199)
		{Schedule{Kind: "step", StepEpochs: 2, Gamma: 0.5}, 200, base / 2},  // epoch 3
		{Schedule{Kind: "step", StepEpochs: 2, Gamma: 0.5}, 999, base / 16}, // epoch 10: halved after epochs 2, 4, 6, 8
		{Schedule{Kind: "cosine", MinLR: 0.001}, 0, base},
		{Schedule{Kind: "cosine", MinLR: 0.001}, 999, 0.001},
		{Schedule{Kind: "cosine", MinLR: 0.001}, 999 / 2, 0.001 + 0.009*(1+math.Cos(math.Pi*499/999))/2},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s step %d", c.s.Kind, c.step), func(t *testing.T) {
			if got := c.s.LR(base, c.step, 100, 1000); math.Abs(got-c.want) > 1e-15 {
				t.Errorf("%+v: %g, want %g", c.s, got, c.want)
			}
		})
	}
	for _, bad := range []Schedule{{Kind: "linear"}, {Kind: "step", StepEpochs: 0, Gamma: 0.5}, {Kind: "step", StepEpochs: 1, Gamma: 2},
		{Kind: "cosine", MinLR: 2 * base}, {Kind: "constant", Gamma: 0.5}, {Kind: "step", StepEpochs: 1, Gamma: 0.5, MinLR: 1e-4}} {
		if bad.Validate(base) == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	for _, c := range cases {
		if err := c.s.Validate(base); err != nil {
			t.Errorf("%+v refused: %v", c.s, err)
		}
	}
}

// TestSplitBatchMatchesOneMachine: training on two half-batch machines must follow one
// machine on the whole batch (float64, so that only summation order differs).
func TestSplitBatchMatchesOneMachine(t *testing.T) {
	one, _ := NewParams(tensor.Float64, 8)
	two, _ := NewParams(tensor.Float64, 8)
	a, err := newTrainerShares(one, 8, Optimizer{Adam: DefaultAdam}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := newTrainerShares(two, 8, Optimizer{Adam: DefaultAdam}, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(b.replicas) != 2 {
		t.Fatalf("%d replicas, want 2", len(b.replicas))
	}
	for step := 0; step < 4; step++ {
		x, y := randomImages(8, uint64(10+step))
		ca, ra, err1 := a.Step(x, y)
		cb, rb, err2 := b.Step(x, y)
		if err1 != nil || err2 != nil || math.Abs(ca-cb) > 1e-12 || ra != rb {
			t.Fatalf("step %d: cost %v/%v right %d/%d (%v, %v)", step, ca, cb, ra, rb, err1, err2)
		}
	}
	for i := range SeedArch.Layout() {
		wa, wb, wc := one.Learnables()[i].Data().([]float64), two.Learnables()[i].Data().([]float64), b.replicas[1].p.Learnables()[i].Data().([]float64)
		for k := range wa {
			if math.Abs(wa[k]-wb[k]) > 1e-9 || wb[k] != wc[k] {
				t.Fatalf("%s[%d]: one machine %g, two %g, second copy %g", SeedArch.Layout()[i].Name, k, wa[k], wb[k], wc[k])
			}
		}
	}
}

// TestEvaluatorMachinesAgree: two machines on alternate batches (with a partial last
// batch) give the probabilities one machine gives image by image, also after training
// has moved the weights the second machine copies.
func TestEvaluatorMachinesAgree(t *testing.T) {
	p, _ := NewParams(tensor.Float64, 6)
	x, y := randomImages(30, 7)
	two, _ := NewEvaluator(p, 7)
	one, _ := NewEvaluator(p, 1)
	defer two.Close()
	defer one.Close()
	tr, _ := NewTrainer(p, 30, Optimizer{Adam: DefaultAdam})
	defer tr.Close()
	for round := 0; round < 2; round++ {
		a, err1 := two.Probabilities(x)
		b, err2 := one.Probabilities(x)
		if err1 != nil || err2 != nil || len(two.replicas) != runtime.GOMAXPROCS(0) || len(one.replicas) != 1 {
			t.Fatal(err1, err2)
		}
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-12 {
				t.Fatalf("round %d, output %d: two machines %g, one %g", round, i, a[i], b[i])
			}
		}
		if _, _, err := tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPredictSet evaluates a set of byte images as Probabilities evaluates the same
// images scaled to [0,1] all at once, bit for bit, with a last partial batch.
func TestPredictSet(t *testing.T) {
	p, _ := NewParams(tensor.Float32, 3)
	ev, err := NewEvaluator(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	s := &dataset.Set{Images: dataset.Images{Count: 11, Rows: dataset.Side, Cols: dataset.Side, Pixels: make([]byte, 11*dataset.Pixels)}, Labels: make([]byte, 11)}
	for i := range s.Pixels {
		s.Pixels[i] = byte(rng.IntN(256))
	}
	want, err := ev.Probabilities(dataset.Floats(s))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ev.probabilities(s.Count, setImages(s))
	if err != nil {
		t.Fatal(err)
	}
	if !bitsEqual(got, want) {
		t.Errorf("probabilities of the set %v, of its floats %v", got[:10], want[:10])
	}
	if pred, err := ev.PredictSet(s); err != nil || !slices.Equal(pred, Argmax(want, dataset.Digits)) {
		t.Errorf("PredictSet %v (%v), want %v", pred, err, Argmax(want, dataset.Digits))
	}
	s.Cols = 27
	if _, err := ev.PredictSet(s); err == nil || !strings.Contains(err.Error(), "28x28") {
		t.Errorf("27-column images: %v", err)
	}
}

// TestShares: shares of at least MinShare images, at least 2 for an even batch.
func TestShares(t *testing.T) {
	for batch, want := range map[int]int{1: 1, 2: 2, 6: 2, 17: 1, 31: 1, 32: 2, 40: 2, 48: 3, 64: 4, 96: 6, 100: 5, 128: 8, 33: 1} {
		if got := Shares(batch); got != want {
			t.Errorf("Shares(%d) = %d, want %d", batch, got, want)
		}
		if got := Shares(batch); batch%got != 0 {
			t.Errorf("Shares(%d) = %d does not divide the batch", batch, got)
		}
	}
}
