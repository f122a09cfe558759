package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lenet/lenet/dataset"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// randomImages returns n images of random pixels in [0,1] and random labels.
func randomImages(n int, seed uint64) ([]float32, []byte) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*dataset.Pixels)
	for i := range x {
		x[i] = rng.Float32()
	}
	y := make([]byte, n)
	for i := range y {
		y[i] = byte(rng.IntN(dataset.Digits))
	}
	return x, y
}

// gradMachine builds a float64 training graph and returns a function that evaluates
// the cost and leaves the gradients in the learnable nodes.
func gradMachine(t *testing.T, p *Params, x []float32, y []byte) (*net, func() float64) {
	t.Helper()
	n, err := build(p, len(y), trainGraph)
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(n.g, G.BindDualValues(n.w.Learnables()...))
	t.Cleanup(func() { vm.Close() })
	if err := n.load(x, y); err != nil {
		t.Fatal(err)
	}
	return n, func() float64 {
		zeroAll(G.NodesToValueGrads(n.w.Learnables())) // gradients accumulate: start each run from zero
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		vm.Reset()
		return n.cost.Value().Data().(float64)
	}
}

// TestGradientFiniteDifference compares the symbolic gradient of every learnable
// tensor with central differences of the cost, on 2 images in float64, for every
// activation with average pooling and every pool with sigmoid and ReLU, and for the
// seed's layers with two classes.
func TestGradientFiniteDifference(t *testing.T) {
	archs := []Arch{SeedArch, {Activation: "sigmoid", Pool: "avg", Classes: 2}}
	for _, a := range [][2]string{{"tanh", "avg"}, {"relu", "avg"}, {"sigmoid", "max"}, {"relu", "max"}} {
		archs = append(archs, Arch{Activation: a[0], Pool: a[1], Classes: dataset.Digits})
	}
	for _, a := range archs {
		t.Run(fmt.Sprintf("%s-%s-%d", a.Activation, a.Pool, a.Classes), func(t *testing.T) { gradientFiniteDifference(t, a) })
	}
}

func gradientFiniteDifference(t *testing.T, a Arch) {
	p, err := NewArchParams(a, tensor.Float64, 7)
	if err != nil {
		t.Fatal(err)
	}
	for id, b := range []*tensor.Dense{p.C1Biases, p.C3Biases, p.F5Biases, p.F6Biases, p.F7Biases} {
		d := b.Data().([]float64)
		for i := range d { // non-zero biases so their gradients are not all alike
			d[i] = 0.1 * math.Sin(float64(i+2*id+1))
		}
	}
	x, y := randomImages(2, 3)
	for i := range y {
		y[i] %= byte(a.Classes)
	}
	n, run := gradMachine(t, p, x, y)
	run()
	rng := rand.New(rand.NewPCG(5, 5))
	const h = 1e-5
	weights, nodes := p.Learnables(), n.w.Learnables()
	for id, spec := range a.Layout() {
		gv, err := nodes[id].Grad()
		if err != nil {
			t.Fatalf("%s: no gradient: %v", spec.Name, err)
		}
		analytic := append([]float64(nil), gv.Data().([]float64)...)
		w := weights[id].Data().([]float64)
		for k := 0; k < 12; k++ {
			i := rng.IntN(len(w))
			if weights[id] == p.C3Kernels && !Connected(i/150, i/25%6) {
				continue // masked: checked by TestConnectionTable
			}
			orig := w[i]
			w[i] = orig + h
			up := run()
			w[i] = orig - h
			down := run()
			w[i] = orig
			numeric := (up - down) / (2 * h)
			if diff := math.Abs(numeric - analytic[i]); diff > 1e-6+1e-4*math.Abs(numeric) {
				t.Errorf("%s[%d]: symbolic gradient %.9g, finite difference %.9g", spec.Name, i, analytic[i], numeric)
			}
		}
	}
}

// TestConnectionTable checks that C3 kernels outside LeCun's table change nothing in the
// output and get exactly zero gradient, so Adam never moves them.
func TestConnectionTable(t *testing.T) {
	p, err := NewParams(tensor.Float64, 11)
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomImages(4, 9)
	n, run := gradMachine(t, p, x, y)
	before := run()
	logits := append([]float64(nil), n.logits.Value().Data().([]float64)...)
	g, _ := n.w.C3Kernels.Grad()
	grad := g.Data().([]float64)
	k := p.C3Kernels.Data().([]float64)
	masked := 0
	for i := range k {
		if Connected(i/150, i/25%6) {
			continue
		}
		masked++
		if k[i] != 0 {
			t.Fatalf("masked C3 weight %d initialised to %g, expected 0", i, k[i])
		}
		if grad[i] != 0 {
			t.Errorf("masked C3 weight %d has gradient %g", i, grad[i])
		}
		k[i] = 5 // a large change to every masked weight
	}
	if masked != 36*25 {
		t.Fatalf("%d masked weights, expected %d (36 of 96 kernels)", masked, 36*25)
	}
	after := run()
	for i, v := range n.logits.Value().Data().([]float64) {
		if v != logits[i] {
			t.Fatalf("logit %d moved from %g to %g when masked weights changed", i, logits[i], v)
		}
	}
	if after != before {
		t.Fatalf("cost moved from %g to %g when masked weights changed", before, after)
	}
	// And through real Adam steps the masked weights keep their values.
	p2, _ := NewParams(tensor.Float32, 11)
	tr, err := NewTrainer(p2, 4, Optimizer{Adam: DefaultAdam})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	for s := 0; s < 5; s++ {
		if _, _, err := tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range p2.C3Kernels.Data().([]float32) {
		if !Connected(i/150, i/25%6) && v != 0 {
			t.Fatalf("masked C3 weight %d became %g after Adam steps", i, v)
		}
	}
}

// TestOverfit trains on 32 fixed images until it classifies all of them.
func TestOverfit(t *testing.T) {
	p, err := NewParams(tensor.Float32, 1)
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomImages(32, 21)
	tr, err := NewTrainer(p, 32, Optimizer{Adam: Adam{LR: 3e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var cost float64
	var correct int
	for step := 1; step <= 400; step++ {
		if cost, correct, err = tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
		if correct == 32 {
			t.Logf("all 32 right after %d steps (cost %.4f)", step, cost)
			return
		}
	}
	t.Fatalf("after 400 steps: %d of 32 right, cost %.4f", correct, cost)
}

// TestTwoClasses: a LeNet-5 of two classes (the reader's verifier) has two outputs, learns
// its 32 images, refuses a third class's label, and evaluates, fused and layer by
// layer, to the same two probabilities an image; a committee of models of other class
// counts is refused.
func TestTwoClasses(t *testing.T) {
	two := Arch{Activation: "sigmoid", Pool: "avg", Classes: 2}
	p, err := NewArchParams(two, tensor.Float32, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.F7Weights.Shape(); !s.Eq(tensor.Shape{84, 2}) || p.F7Biases.Shape()[0] != 2 {
		t.Fatalf("F7 %v, biases %v", s, p.F7Biases.Shape())
	}
	x, y := randomImages(32, 21)
	for i := range y {
		y[i] %= 2
	}
	tr, err := NewTrainer(p, 32, Optimizer{Adam: Adam{LR: 3e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	bad := slices.Clone(y)
	bad[5] = 2
	if _, _, err := tr.Step(x, bad); err == nil || !strings.Contains(err.Error(), "label 2 of image 5 (expected 0 to 1)") {
		t.Errorf("label 2 in a two-class batch: %v", err)
	}
	fused, err := NewEvaluator(p, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer fused.Close()
	for step := 1; ; step++ {
		if _, _, err = tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
		pred, err := fused.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(pred, bytesToInts(y)) {
			break
		}
		if step == 600 {
			t.Fatalf("after 600 steps: guesses %v, labels %v", pred, y)
		}
	}
	layers, err := newEvaluator(p, 7, layerGraph, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer layers.Close()
	a, err := fused.Probabilities(x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := layers.Probabilities(x)
	if err != nil {
		t.Fatal(err)
	}
	if fused.Classes() != 2 || len(a) != 64 || !slices.Equal(a, b) {
		t.Fatalf("%d classes, %d probabilities; fused and layers equal: %v", fused.Classes(), len(a), slices.Equal(a, b))
	}
	for i, g := range Argmax(a, 2) {
		if s := a[2*i] + a[2*i+1]; math.Abs(s-1) > 1e-12 || g != int(y[i]) {
			t.Errorf("image %d: probabilities %v sum to %g, guess %d, label %d", i, a[2*i:2*i+2], s, g, y[i])
		}
	}
	ten, err := NewParams(tensor.Float32, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewCommittee([]*Params{p, ten}, 1, 8); err == nil || !strings.Contains(err.Error(), "2 and 10 classes") {
		t.Errorf("committee of 2 and 10 classes: %v", err)
	}
	if _, err := NewArchParams(Arch{Activation: "sigmoid", Pool: "avg", Classes: 1}, tensor.Float32, 1); err == nil || !strings.Contains(err.Error(), "1 classes: expected 2 to 256") {
		t.Errorf("one class: %v", err)
	}
}

func bytesToInts(b []byte) []int {
	out := make([]int, len(b))
	for i, v := range b {
		out[i] = int(v)
	}
	return out
}
