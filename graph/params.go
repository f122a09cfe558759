package graph

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph/ops"
	"gorgonia.org/tensor"
)

// Weights are LeNet-5's learnable tensors by name, for any kind of value: the tensors
// themselves (Params), their nodes in a graph (model), their names and shapes (Shapes).
// Kernels are (out maps, in maps, rows, cols) as in NumPy and PyTorch; fully connected
// weights are (in, out), so a layer computes x @ W + b.
type Weights[T any] struct {
	C1Kernels, C1Biases T // (6,1,5,5), (6)
	C3Kernels, C3Biases T // (16,6,5,5), (16); kernels C3Table leaves out stay zero
	F5Weights, F5Biases T // (256,120), (120)
	F6Weights, F6Biases T // (120,84), (84)
	F7Weights, F7Biases T // (84,C), (C): one output a class (Arch.Classes; MNIST's 10)
}

// fields are pointers to the weights in the order of Learnables.
func (w *Weights[T]) fields() []*T {
	return []*T{&w.C1Kernels, &w.C1Biases, &w.C3Kernels, &w.C3Biases, &w.F5Weights, &w.F5Biases,
		&w.F6Weights, &w.F6Biases, &w.F7Weights, &w.F7Biases}
}

// Learnables lists the weights in a fixed order: that of checkpoint files, gradients
// and Adam's state.
func (w *Weights[T]) Learnables() []T {
	var ts []T
	for _, f := range w.fields() {
		ts = append(ts, *f)
	}
	return ts
}

// mapWeights applies f to each of w's weights, stopping at the first error.
func mapWeights[T, U any](w *Weights[T], f func(T) (U, error)) (Weights[U], error) {
	var out Weights[U]
	dst := out.fields()
	for i, v := range w.Learnables() {
		u, err := f(v)
		if err != nil {
			return out, err
		}
		*dst[i] = u
	}
	return out, nil
}

// Spec names one learnable tensor (its checkpoint file is Name.npy) and fixes its shape.
type Spec struct {
	Name  string
	Shape tensor.Shape
}

// Shapes are the weights' names and shapes for a model of a's class count.
func (a Arch) Shapes() Weights[Spec] {
	return Weights[Spec]{
		C1Kernels: Spec{"c1_kernels", tensor.Shape{6, 1, 5, 5}}, C1Biases: Spec{"c1_biases", tensor.Shape{6}},
		C3Kernels: Spec{"c3_kernels", tensor.Shape{16, 6, 5, 5}}, C3Biases: Spec{"c3_biases", tensor.Shape{16}},
		F5Weights: Spec{"f5_weights", tensor.Shape{256, 120}}, F5Biases: Spec{"f5_biases", tensor.Shape{120}},
		F6Weights: Spec{"f6_weights", tensor.Shape{120, 84}}, F6Biases: Spec{"f6_biases", tensor.Shape{84}},
		F7Weights: Spec{"f7_weights", tensor.Shape{84, a.Classes}}, F7Biases: Spec{"f7_biases", tensor.Shape{a.Classes}},
	}
}

// Layout is Shapes in the order of Learnables.
func (a Arch) Layout() []Spec {
	s := a.Shapes()
	return s.Learnables()
}

// C3Table lists, for each of C3's 16 output maps, the S2 maps it reads
// (LeCun et al. 1998, Table I): 60 of the 96 kernels a full convolution would have.
var C3Table = [16][]int{
	{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 0}, {5, 0, 1},
	{0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 0}, {4, 5, 0, 1}, {5, 0, 1, 2},
	{0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5},
	{0, 1, 2, 3, 4, 5},
}

// Connected reports whether C3 output map out reads S2 map in.
func Connected(out, in int) bool {
	for _, i := range C3Table[out] {
		if i == in {
			return true
		}
	}
	return false
}

// ParseDtype is the dtype named by s, as --dtype takes it.
func ParseDtype(s string) (tensor.Dtype, error) {
	switch s {
	case "float32":
		return tensor.Float32, nil
	case "float64":
		return tensor.Float64, nil
	}
	return tensor.Dtype{}, fmt.Errorf("invalid --dtype %q (expected float32 or float64)", s)
}

// Params holds the learnable tensors, shared by every graph built on them: the solver
// updates them in place, so an evaluation graph always sees the current weights.
type Params struct {
	Arch  Arch // the model the tensors belong to
	Dtype tensor.Dtype
	Weights[*tensor.Dense]
}

// NewParams draws the seed architecture's initial weights from seed (see NewArchParams).
func NewParams(dtype tensor.Dtype, seed uint64) (*Params, error) {
	return NewArchParams(SeedArch, dtype, seed)
}

// NewArchParams draws initial weights for a from seed: Glorot/Xavier uniform,
// U(±sqrt(6/(fan_in + fan_out))), which keeps sigmoid and tanh pre-activations in their
// responsive range, or for ReLU He uniform, U(±sqrt(6/fan_in)); C3's fan-in counts only
// the connected maps, masked C3 kernels start at zero, biases at zero.
func NewArchParams(a Arch, dtype tensor.Dtype, seed uint64) (*Params, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	p, err := ZeroParams(a, dtype)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x1e7e75))
	uniform := func(dst []float64, limit float64) {
		for i := range dst {
			dst[i] = (2*rng.Float64() - 1) * limit
		}
	}
	limit := func(fanIn, fanOut int) float64 {
		if a.Activation == "relu" {
			return math.Sqrt(6 / float64(fanIn))
		}
		return math.Sqrt(6 / float64(fanIn+fanOut))
	}
	k1 := make([]float64, 6*25)
	uniform(k1, limit(25, 6*25))
	setData(p.C1Kernels, k1)
	k3 := make([]float64, 16*6*25)
	for o, ins := range C3Table {
		fanIn, fanOut := 25*len(ins), 25*60/6 // each S2 map feeds 10 of the 60 connections
		for _, i := range ins {
			uniform(k3[(o*6+i)*25:(o*6+i+1)*25], limit(fanIn, fanOut))
		}
	}
	setData(p.C3Kernels, k3)
	for _, t := range []*tensor.Dense{p.F5Weights, p.F6Weights, p.F7Weights} {
		s := t.Shape()
		w := make([]float64, s.TotalSize())
		uniform(w, limit(s[0], s[1]))
		setData(t, w)
	}
	return p, nil
}

// ZeroParams allocates all-zero tensors of a's shapes.
func ZeroParams(a Arch, dtype tensor.Dtype) (*Params, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if dtype != tensor.Float32 && dtype != tensor.Float64 {
		return nil, fmt.Errorf("dtype %v: expected float32 or float64", dtype)
	}
	shapes := a.Shapes()
	w, _ := mapWeights(&shapes, func(s Spec) (*tensor.Dense, error) {
		return tensor.New(tensor.Of(dtype), tensor.WithShape(s.Shape.Clone()...)), nil
	})
	return &Params{Arch: a, Dtype: dtype, Weights: w}, nil
}

// Clone returns a deep copy of p.
func (p *Params) Clone() *Params {
	w, _ := mapWeights(&p.Weights, func(t *tensor.Dense) (*tensor.Dense, error) { return t.Clone().(*tensor.Dense), nil })
	return &Params{Arch: p.Arch, Dtype: p.Dtype, Weights: w}
}

// CopyFrom overwrites p's values with q's (same dtype and shapes).
func (p *Params) CopyFrom(q *Params) {
	src := q.Learnables()
	for i, t := range p.Learnables() {
		tensor.Copy(t, src[i])
	}
}

// setData copies float64 values into t whatever its dtype.
func setData(t *tensor.Dense, v []float64) {
	switch d := t.Data().(type) {
	case []float32:
		for i, x := range v {
			d[i] = float32(x)
		}
	case []float64:
		copy(d, v)
	}
}

// Arch is the model's options: LeNet-5 with C3's connection table, the nonlinearity
// and pooling after its layers, and how many classes it tells apart (F7's outputs).
// Checkpoints record it so that loading rebuilds exactly the trained model.
type Arch struct {
	Activation string `json:"activation"` // one of ops.Activations
	Pool       string `json:"pool"`       // one of ops.Pools
	Classes    int    `json:"classes"`    // 2 to MaxClasses; the data set's (MNIST's 10)
}

// UnmarshalJSON reads an Arch as checkpoints record it; one written before the class
// count was recorded is a model of MNIST's ten digits.
func (a *Arch) UnmarshalJSON(b []byte) error {
	type plain Arch // without this method
	v := plain{Classes: dataset.Digits}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*a = Arch(v)
	return nil
}

// SeedArch is the seed configuration: sigmoid and average pooling, ten digits.
var SeedArch = Arch{Activation: "sigmoid", Pool: "avg", Classes: dataset.Digits}

// MaxClasses is the most classes a model can have: IDX labels are bytes.
const MaxClasses = 256

// Validate refuses an activation or a pooling this package cannot build, naming the
// lenet train flag that sets it, or a class count out of range.
func (a Arch) Validate() error {
	if a.Classes < 2 || a.Classes > MaxClasses {
		return fmt.Errorf("%d classes: expected 2 to %d", a.Classes, MaxClasses)
	}
	if !slices.Contains(ops.Activations, a.Activation) {
		return fmt.Errorf("invalid --activation %q (expected one of %s)", a.Activation, strings.Join(ops.Activations, ", "))
	}
	if !slices.Contains(ops.Pools, a.Pool) {
		return fmt.Errorf("invalid --pool %q (expected one of %s)", a.Pool, strings.Join(ops.Pools, ", "))
	}
	return nil
}

// String is the architecture in a few words, e.g. "LeNet-5 (sigmoid, avg pool)", with
// the class count when it is not MNIST's ten: "LeNet-5 (sigmoid, avg pool, 2 classes)".
func (a Arch) String() string {
	if a.Classes != dataset.Digits {
		return fmt.Sprintf("LeNet-5 (%s, %s pool, %d classes)", a.Activation, a.Pool, a.Classes)
	}
	return fmt.Sprintf("LeNet-5 (%s, %s pool)", a.Activation, a.Pool)
}
