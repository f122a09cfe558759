package graph

import (
	"fmt"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph/kernels"
	"github.com/lenet/lenet/graph/ops"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// net is LeNet-5 built for a fixed batch size on shared Params.
type net struct {
	g       *G.ExprGraph
	batch   int
	classes int              // the model's outputs (Arch.Classes)
	x, y    *tensor.Dense    // input (B,1,28,28) and one-hot labels (B,classes), bound once
	w       Weights[*G.Node] // the Params' tensors as nodes
	logits  *G.Node          // (B,classes)
	cost    *G.Node          // scalar, only when built for training
}

// graphKind is what a graph is built for.
type graphKind int

const (
	trainGraph graphKind = iota // the labels, the cost and its symbolic gradient
	evalGraph                   // forward only; each layer one op where fusedLayers allows
	layerGraph                  // forward only, layer by layer as trainGraph computes it
)

// fusedLayers reports whether an evaluation graph on p computes each layer with its
// activation and pooling as one op (ops.ConvSigmoidPool, ops.DenseSigmoid): sigmoid and
// average pooling in float32, on a CPU and BLAS where that gives the layers' bits.
func fusedLayers(p *Params) bool {
	return p.Dtype == tensor.Float32 && p.Arch.Activation == "sigmoid" && p.Arch.Pool == "avg" && kernels.ConvTileMatchesGemm()
}

// build makes the graph of the given kind.
func build(p *Params, batch int, kind graphKind) (*net, error) {
	if batch < 1 {
		return nil, fmt.Errorf("batch %d: expected at least 1", batch)
	}
	if err := p.Arch.Validate(); err != nil {
		return nil, err
	}
	g := G.NewGraph()
	n := &net{g: g, batch: batch, classes: p.Arch.Classes}
	n.x = tensor.New(tensor.Of(p.Dtype), tensor.WithShape(batch, 1, dataset.Side, dataset.Side))
	x := G.NodeFromAny(g, n.x, G.WithName("x"))
	nodes, layout := n.w.fields(), p.Arch.Layout()
	for i, t := range p.Learnables() {
		*nodes[i] = G.NodeFromAny(g, t, G.WithName(layout[i].Name))
	}
	var err error
	if n.logits, err = forward(p.Arch, n.w, x, kind, fusedLayers(p)); err != nil {
		return nil, fmt.Errorf("build LeNet-5 (batch %d): %w", batch, err)
	}
	if kind != trainGraph {
		return n, nil
	}
	n.y = tensor.New(tensor.Of(p.Dtype), tensor.WithShape(batch, n.classes))
	y := G.NodeFromAny(g, n.y, G.WithName("y"))
	if n.cost, err = crossEntropy(n.logits, y, batch); err != nil {
		return nil, fmt.Errorf("build cost: %w", err)
	}
	if _, err = G.Grad(n.cost, n.w.Learnables()...); err != nil {
		return nil, fmt.Errorf("differentiate cost: %w", err)
	}
	return n, nil
}

// forward is LeNet-5 with a's activation and pooling, from images (B,1,28,28) to logits,
// one line per layer. With fused set (see fusedLayers), an evaluation graph computes C1
// and C3 with their activation and pooling as one op each and the dense layers with
// their bias and activation, a training graph C1 and C3 with theirs as one op each with
// its gradient: the same arithmetic. gorgonia's Must panics with an op's error; forward
// returns it.
func forward(a Arch, w Weights[*G.Node], x *G.Node, kind graphKind, fused bool) (logits *G.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			if err, _ = r.(error); err == nil {
				panic(r)
			}
		}
	}()
	act := func(h *G.Node) *G.Node { return G.Must(ops.Activation(a.Activation, h)) }
	pool := func(h *G.Node) *G.Node { return G.Must(ops.Pool2(a.Pool, h)) }
	if fused && kind == evalGraph {
		h := G.Must(ops.ConvSigmoidPool(x, w.C1Kernels, w.C1Biases, nil))       // C1, S2 (B,6,12,12)
		h = G.Must(ops.ConvSigmoidPool(h, w.C3Kernels, w.C3Biases, C3Table[:])) // C3, S4 (B,16,4,4)
		h = G.Must(G.Reshape(h, tensor.Shape{x.Shape()[0], 256}))               //    (B,256)
		h = G.Must(ops.DenseSigmoid(h, w.F5Weights, w.F5Biases, true))          // F5 (B,120)
		h = G.Must(ops.DenseSigmoid(h, w.F6Weights, w.F6Biases, true))          // F6 (B,84)
		return G.Must(ops.DenseSigmoid(h, w.F7Weights, w.F7Biases, false)), nil // F7 (B,C)
	}
	c3 := G.Must(G.HadamardProd(w.C3Kernels, c3Mask(x.Dtype()))) // only the table's kernels

	var h *G.Node
	if fused && kind == trainGraph {
		h = G.Must(ops.TrainConvSigmoidPool(x, w.C1Kernels, w.C1Biases, nil, false)) // C1, S2 (B,6,12,12)
		h = G.Must(ops.TrainConvSigmoidPool(h, c3, w.C3Biases, C3Table[:], true))    // C3, S4 (B,16,4,4)
	} else {
		h = act(G.Must(ops.Conv(x, w.C1Kernels, w.C1Biases, false))) // C1 (B,6,24,24); no gradient for the image
		h = pool(h)                                                  // S2 (B,6,12,12)
		h = act(G.Must(ops.Conv(h, c3, w.C3Biases, true)))           // C3 (B,16,8,8)
		h = pool(h)                                                  // S4 (B,16,4,4)
	}
	h = G.Must(G.Reshape(h, tensor.Shape{x.Shape()[0], 256})) //    (B,256)
	h = act(G.Must(dense(h, w.F5Weights, w.F5Biases)))        // F5 (B,120)
	h = act(G.Must(dense(h, w.F6Weights, w.F6Biases)))        // F6 (B,84)
	return G.Must(dense(h, w.F7Weights, w.F7Biases)), nil     // F7 (B,C)
}

// dense is x @ w + bias.
func dense(x, w, bias *G.Node) (*G.Node, error) {
	h, err := G.Mul(x, w)
	if err != nil {
		return nil, err
	}
	b, err := G.Reshape(bias, tensor.Shape{1, bias.Shape()[0]})
	if err != nil {
		return nil, err
	}
	return G.BroadcastAdd(h, b, nil, []byte{0})
}

// crossEntropy is the mean over the batch of -log softmax(logits)[label].
func crossEntropy(logits, onehot *G.Node, batch int) (*G.Node, error) {
	logp, err := G.LogSoftMax(logits)
	if err != nil {
		return nil, err
	}
	picked, err := G.HadamardProd(logp, onehot)
	if err != nil {
		return nil, err
	}
	sum, err := G.Sum(picked)
	if err != nil {
		return nil, err
	}
	return G.Div(G.Must(G.Neg(sum)), G.NewConstant(scalar(logits.Dtype(), float64(batch))))
}

// c3Mask is the connection table as a constant (16,6,5,5) 0/1 tensor.
func c3Mask(dt tensor.Dtype) *G.Node {
	m := make([]float64, 16*6*25)
	for o, ins := range C3Table {
		for _, i := range ins {
			for k := 0; k < 25; k++ {
				m[(o*6+i)*25+k] = 1
			}
		}
	}
	t := tensor.New(tensor.Of(dt), tensor.WithShape(16, 6, 5, 5))
	setData(t, m)
	return G.NewConstant(t, G.WithName("c3_table"))
}

func scalar(dt tensor.Dtype, v float64) any {
	if dt == tensor.Float32 {
		return float32(v)
	}
	return v
}
