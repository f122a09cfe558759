package graph

import (
	"errors"

	G "gorgonia.org/gorgonia"
)

// replica is one machine of a Trainer or an Evaluator: a graph on its own copy of the
// weights and the tape machine that runs it.
type replica struct {
	n     *net
	vm    *tape
	p     *Params
	grads []G.ValueGrad // training: the weights with their gradients
	buf   []float32     // evaluation: a batch of images made by PredictSet, the graph's input where it is float32
}

// newReplicas builds count machines running graphs of kind on batch images each: the
// first on p itself, the others on copies, since gorgonia's matmul transposes its
// operands in place and two machines must not share weight tensors.
func newReplicas(p *Params, count, batch int, kind graphKind) ([]*replica, error) {
	var rs []*replica
	for i := range count {
		rp := p
		if i > 0 {
			rp = p.Clone()
		}
		n, err := build(rp, batch, kind)
		if err != nil {
			return nil, errors.Join(err, closeReplicas(rs))
		}
		r := &replica{n: n, p: rp}
		var opts []G.VMOpt
		if kind == trainGraph {
			opts = append(opts, G.BindDualValues(n.w.Learnables()...))
			r.grads = G.NodesToValueGrads(n.w.Learnables())
		}
		if r.vm, err = newTape(n.g, opts...); err != nil {
			return nil, errors.Join(err, closeReplicas(rs))
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// closeReplicas releases the machines.
func closeReplicas(rs []*replica) error {
	var errs []error
	for _, r := range rs {
		errs = append(errs, r.vm.Close())
	}
	return errors.Join(errs...)
}
