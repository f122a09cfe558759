package graph

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"github.com/lenet/lenet/dataset"
)

// DefaultEvalBatch is the evaluation batch size of each machine: large
// batches amortise the per-op overhead, very large ones only grow memory.
const DefaultEvalBatch = 250

// Evaluator computes the network's outputs for any number of images, in batches shared
// by machines, one per core (GOMAXPROCS when it is made); all but the first run on
// copies of the weights, refreshed at every call (machines must not share weight
// tensors: see Trainer). The images are cut into batches the same way whatever the
// number of machines, and each batch's arithmetic does not depend on which machine runs
// it, so the outputs are the same on any number of cores.
//
// An Evaluator of a committee (NewCommittee) averages its members' probabilities, and
// one with a temperature other than 1 rescales them as softmax(logits/T) would.
type Evaluator struct {
	src         *Params
	replicas    []*replica
	team        *team
	others      []*Evaluator // a committee's members after the first
	temperature float64      // 0 or 1: none
}

// maxEvalMachines bounds an Evaluator's machines (up to about 14 MiB each at
// DefaultEvalBatch, layer by layer): evaluation is a few percent of a training epoch.
const maxEvalMachines = 16

// NewEvaluator builds a forward-only graph of the given batch size on p for each core, up
// to maxEvalMachines (one when the batch is 1: a single image gains nothing from a second
// machine). Where fusedLayers allows, each layer is one fused op that gives the bits the
// training graph's layers give.
func NewEvaluator(p *Params, batch int) (*Evaluator, error) {
	return newEvaluator(p, batch, evalGraph, min(runtime.GOMAXPROCS(0), maxEvalMachines))
}

// NewCommittee is NewEvaluator for the committee of members: its probabilities are the
// average of theirs, rescaled by temperature (0 or 1 for none). A committee of one at
// temperature 1 gives NewEvaluator's bits.
func NewCommittee(members []*Params, temperature float64, batch int) (*Evaluator, error) {
	return newCommittee(members, temperature, batch, min(runtime.GOMAXPROCS(0), maxEvalMachines))
}

// NewSerialCommittee is NewCommittee on one machine a network whatever the batch, run on
// the calling goroutine: for callers that run several evaluators side by side (a reader
// serving requests in parallel). An image's probabilities are the same bits in any
// evaluator, whatever its batch.
func NewSerialCommittee(members []*Params, temperature float64, batch int) (*Evaluator, error) {
	return newCommittee(members, temperature, batch, 1)
}

// newCommittee is NewCommittee on at most machines machines a network.
func newCommittee(members []*Params, temperature float64, batch, machines int) (*Evaluator, error) {
	if len(members) == 0 {
		return nil, errors.New("evaluate: a committee of no networks")
	}
	if temperature < 0 || math.IsNaN(temperature) || math.IsInf(temperature, 0) {
		return nil, fmt.Errorf("evaluate: temperature %v (expected a positive number)", temperature)
	}
	for _, p := range members[1:] {
		if p.Arch.Classes != members[0].Arch.Classes {
			return nil, fmt.Errorf("evaluate: a committee of networks of %d and %d classes", members[0].Arch.Classes, p.Arch.Classes)
		}
	}
	e, err := newEvaluator(members[0], batch, evalGraph, machines)
	if err != nil {
		return nil, err
	}
	e.temperature = temperature
	for _, p := range members[1:] {
		o, err := newEvaluator(p, batch, evalGraph, machines)
		if err != nil {
			e.Close()
			return nil, err
		}
		e.others = append(e.others, o)
	}
	return e, nil
}

// newEvaluator is NewEvaluator on graphs of the given kind (evalGraph or layerGraph), on
// at most machines machines.
func newEvaluator(p *Params, batch int, kind graphKind, machines int) (*Evaluator, error) {
	if batch == 1 {
		machines = 1
	}
	replicas, err := newReplicas(p, machines, batch, kind)
	if err != nil {
		return nil, err
	}
	return &Evaluator{src: p, replicas: replicas, team: newTeam(machines)}, nil
}

// Classes is how many classes the network tells apart: the length of a row of
// Probabilities.
func (e *Evaluator) Classes() int { return e.src.Arch.Classes }

// Probabilities returns the softmax probabilities, (count, Classes) row-major, of the count
// images in x (count*784 pixels in [0,1]). A last partial batch is zero-padded and the
// padding's outputs dropped.
func (e *Evaluator) Probabilities(x []float32) ([]float64, error) {
	if len(x)%dataset.Pixels != 0 {
		return nil, fmt.Errorf("evaluate: %d pixels is not a whole number of %d-pixel images", len(x), dataset.Pixels)
	}
	return e.probabilities(len(x)/dataset.Pixels, func(start, end int, _ []float32) []float32 {
		return x[start*dataset.Pixels : end*dataset.Pixels]
	})
}

// PredictSet returns the most probable class of each image of s, scaling its pixels to
// [0,1] a batch at a time (as dataset.Fill does) rather than the whole set at once.
func (e *Evaluator) PredictSet(s *dataset.Set) ([]int, error) {
	if s.Rows*s.Cols != dataset.Pixels {
		return nil, fmt.Errorf("evaluate: %dx%d images (expected %dx%d)", s.Rows, s.Cols, dataset.Side, dataset.Side)
	}
	probs, err := e.probabilities(s.Count, setImages(s))
	if err != nil {
		return nil, err
	}
	return Argmax(probs, e.Classes()), nil
}

// SetProbabilities is Probabilities of the images of s, scaled as PredictSet does.
func (e *Evaluator) SetProbabilities(s *dataset.Set) ([]float64, error) {
	if s.Rows*s.Cols != dataset.Pixels {
		return nil, fmt.Errorf("evaluate: %dx%d images (expected %dx%d)", s.Rows, s.Cols, dataset.Side, dataset.Side)
	}
	return e.probabilities(s.Count, setImages(s))
}

// setImages makes images of s for probabilities.
func setImages(s *dataset.Set) func(start, end int, buf []float32) []float32 {
	return func(start, end int, buf []float32) []float32 {
		x := buf[:(end-start)*dataset.Pixels]
		for i, p := range s.Pixels[start*dataset.Pixels : end*dataset.Pixels] {
			x[i] = float32(p) / 255
		}
		return x
	}
}

// probabilities evaluates count images in batches, replica k taking batches k, k+n, ...;
// images(start, end, buf) returns images start to end, in buf (room for a batch) if it
// has to make them.
func (e *Evaluator) probabilities(count int, images func(start, end int, buf []float32) []float32) ([]float64, error) {
	out, err := e.own(count, images)
	if err != nil {
		return nil, err
	}
	for _, o := range e.others {
		more, err := o.own(count, images)
		if err != nil {
			return nil, err
		}
		for i, v := range more {
			out[i] += v
		}
	}
	if k := float64(1 + len(e.others)); k > 1 {
		for i := range out {
			out[i] /= k
		}
	}
	if e.temperature > 0 && e.temperature != 1 {
		Temper(out, e.Classes(), e.temperature)
	}
	return out, nil
}

// Temper rescales rows of classes probabilities in place to those of the logits divided
// by t: softmax(z/t) is softmax(z)^(1/t), renormalised.
func Temper(probs []float64, classes int, t float64) {
	for r := 0; r+classes <= len(probs); r += classes {
		row := probs[r : r+classes]
		var sum float64
		for c, v := range row {
			row[c] = math.Pow(v, 1/t)
			sum += row[c]
		}
		if sum == 0 || math.IsInf(sum, 0) || math.IsNaN(sum) { // every entry underflowed: keep the largest
			best := 0
			for c, v := range row {
				if v > row[best] {
					best = c
				}
			}
			clear(row)
			row[best] = 1
			continue
		}
		for c := range row {
			row[c] /= sum
		}
	}
}

// own is probabilities of this network alone.
func (e *Evaluator) own(count int, images func(start, end int, buf []float32) []float32) ([]float64, error) {
	for _, r := range e.replicas[1:] {
		r.p.CopyFrom(e.src)
	}
	batch := e.replicas[0].n.batch
	classes := e.Classes()
	out := make([]float64, count*classes)
	errs := make([]error, len(e.replicas))
	e.team.run(func(k int) {
		r := e.replicas[k]
		for start := k * batch; start < count && errs[k] == nil; start += len(e.replicas) * batch {
			end := min(start+batch, count)
			if r.buf == nil {
				// Images made here go straight into the graph's input where it is float32.
				if d, ok := r.n.x.Data().([]float32); ok {
					r.buf = d
				} else {
					r.buf = make([]float32, batch*dataset.Pixels)
				}
			}
			errs[k] = r.run(images(start, end, r.buf), out[start*classes:end*classes])
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// run writes the probabilities of the images in x into out.
func (r *replica) run(x []float32, out []float64) error {
	if err := r.n.load(x, nil); err != nil {
		return err
	}
	defer r.vm.Reset()
	if err := r.vm.run(); err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	copy(out, appendSoftmax(nil, r.n.logits.Value().Data(), len(x)/dataset.Pixels, r.n.classes))
	return nil
}

// Predict returns the most probable class of each image in x.
func (e *Evaluator) Predict(x []float32) ([]int, error) {
	probs, err := e.Probabilities(x)
	if err != nil {
		return nil, err
	}
	return Argmax(probs, e.Classes()), nil
}

// Close releases the machines.
func (e *Evaluator) Close() error {
	e.team.close()
	errs := []error{closeReplicas(e.replicas)}
	for _, o := range e.others {
		errs = append(errs, o.Close())
	}
	return errors.Join(errs...)
}

// Argmax returns, for each row of classes scores, the index of the largest.
func Argmax(scores []float64, classes int) []int {
	out := make([]int, len(scores)/classes)
	for i := range out {
		row := scores[i*classes : (i+1)*classes]
		for c, v := range row {
			if v > row[out[i]] {
				out[i] = c
			}
		}
	}
	return out
}

// load copies count images (and, when labels is not nil, their one-hot labels) into the
// graph's bound input tensors, zeroing the rest of the batch.
func (n *net) load(x []float32, labels []byte) error {
	count := len(x) / dataset.Pixels
	if count > n.batch || len(x)%dataset.Pixels != 0 || (labels != nil && len(labels) != count) {
		return fmt.Errorf("load batch: %d pixels and %d labels do not make at most %d images", len(x), len(labels), n.batch)
	}
	switch d := n.x.Data().(type) {
	case []float32:
		if len(x) > 0 && &d[0] != &x[0] { // not already there (PredictSet makes them in place)
			copy(d, x)
		}
		clear(d[len(x):])
	case []float64:
		for i, v := range x {
			d[i] = float64(v)
		}
		clear(d[len(x):])
	}
	if labels == nil {
		return nil
	}
	onehot := make([]float64, n.batch*n.classes)
	for i, l := range labels {
		if int(l) >= n.classes {
			return fmt.Errorf("load batch: label %d of image %d (expected 0 to %d)", l, i, n.classes-1)
		}
		onehot[i*n.classes+int(l)] = 1
	}
	setData(n.y, onehot)
	return nil
}

// appendSoftmax appends the softmax of the first rows of logits (float32 or float64),
// rows of classes.
func appendSoftmax(out []float64, logits any, rows, classes int) []float64 {
	row := make([]float64, classes)
	for r := 0; r < rows; r++ {
		switch l := logits.(type) {
		case []float32:
			for c := range row {
				row[c] = float64(l[r*classes+c])
			}
		case []float64:
			copy(row, l[r*classes:])
		}
		mx := row[0]
		for _, v := range row {
			mx = math.Max(mx, v)
		}
		var sum float64
		for c, v := range row {
			row[c] = math.Exp(v - mx)
			sum += row[c]
		}
		for _, v := range row {
			out = append(out, v/sum)
		}
	}
	return out
}

// countCorrect counts the rows of logits, rows of classes, whose largest entry is at
// the label.
func countCorrect(logits any, labels []byte, classes int) int {
	probs := appendSoftmax(nil, logits, len(labels), classes)
	correct := 0
	for i, p := range Argmax(probs, classes) {
		if p == int(labels[i]) {
			correct++
		}
	}
	return correct
}
