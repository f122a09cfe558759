package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Image geometry and classes of the seed model.
const (
	Side    = 28
	Pixels  = Side * Side
	Classes = 10
)

// net is the seed LeNet-5 built for a fixed batch size on shared Params.
type net struct {
	g      *G.ExprGraph
	batch  int
	x, y   *tensor.Dense // input (B,1,28,28) and one-hot labels (B,10), bound once
	logits *G.Node       // (B,10)
	cost   *G.Node       // scalar, only when built for training
	learn  G.Nodes       // in Layout order
}

// build makes the graph; with training set it adds the labels and the cost.
func build(p *Params, batch int, training bool) (*net, error) {
	if batch < 1 {
		return nil, fmt.Errorf("batch %d: expected at least 1", batch)
	}
	useKernels()
	g := G.NewGraph()
	n := &net{g: g, batch: batch}
	n.x = tensor.New(tensor.Of(p.Dtype), tensor.WithShape(batch, 1, Side, Side))
	x := G.NodeFromAny(g, n.x, G.WithName("x"))
	for i, s := range Layout {
		n.learn = append(n.learn, G.NodeFromAny(g, p.T[i], G.WithName(s.Name)))
	}
	var err error
	if err = p.Arch.Supported(); err != nil {
		return nil, err
	}
	if n.logits, err = forward(p.Arch, n.learn, x, p.Dtype); err != nil {
		return nil, fmt.Errorf("build LeNet-5 (batch %d): %w", batch, err)
	}
	if !training {
		return n, nil
	}
	n.y = tensor.New(tensor.Of(p.Dtype), tensor.WithShape(batch, Classes))
	y := G.NodeFromAny(g, n.y, G.WithName("y"))
	if n.cost, err = crossEntropy(n.logits, y, batch); err != nil {
		return nil, fmt.Errorf("build cost: %w", err)
	}
	if _, err = G.Grad(n.cost, n.learn...); err != nil {
		return nil, fmt.Errorf("differentiate cost: %w", err)
	}
	return n, nil
}

// forward is the model a: images (B,1,28,28) -> logits (B,10). w is in Layout order.
func forward(a Arch, w G.Nodes, x *G.Node, dt tensor.Dtype) (*G.Node, error) {
	b := x.Shape()[0]
	c3, err := G.HadamardProd(w[C3Kernels], c3Mask(dt)) // only the table's kernels
	if err != nil {
		return nil, err
	}
	// Each layer is a function of the previous output; the first error stops the chain.
	layers := []func(h *G.Node) (*G.Node, error){
		func(h *G.Node) (*G.Node, error) { return Conv(h, w[C1Kernels], w[C1Biases], false) }, // (B,6,24,24); no gradient for the image
		func(h *G.Node) (*G.Node, error) { return Activation(a.Activation, h) },
		func(h *G.Node) (*G.Node, error) { return Pool2(a.Pool, h) },               // (B,6,12,12)
		func(h *G.Node) (*G.Node, error) { return Conv(h, c3, w[C3Biases], true) }, // (B,16,8,8)
		func(h *G.Node) (*G.Node, error) { return Activation(a.Activation, h) },
		func(h *G.Node) (*G.Node, error) { return Pool2(a.Pool, h) },                   // (B,16,4,4)
		func(h *G.Node) (*G.Node, error) { return G.Reshape(h, tensor.Shape{b, 256}) }, // (B,256)
		func(h *G.Node) (*G.Node, error) { return dense(h, w[F5Weights], w[F5Biases]) },
		func(h *G.Node) (*G.Node, error) { return Activation(a.Activation, h) }, // (B,120)
		func(h *G.Node) (*G.Node, error) { return dense(h, w[F6Weights], w[F6Biases]) },
		func(h *G.Node) (*G.Node, error) { return Activation(a.Activation, h) },         // (B,84)
		func(h *G.Node) (*G.Node, error) { return dense(h, w[F7Weights], w[F7Biases]) }, // (B,10)
	}
	h := x
	for _, layer := range layers {
		if h, err = layer(h); err != nil {
			return nil, err
		}
	}
	return h, nil
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
