package graph

import (
	"fmt"
	"reflect"
	"unsafe"

	G "gorgonia.org/gorgonia"
)

// tape is a gorgonia tape machine that runs on the calling goroutine.
//
// Hand-written because gorgonia offers no synchronous run: its RunAll locks the calling
// goroutine to its OS thread and runs the program on a second goroutine, then wakes the
// locked thread when done, two thread hand-offs a run. In an execution trace of a
// training run those hand-offs were most of the time goroutines spent waiting to run;
// with RunAll a training step took 9-10% longer and evaluation 16% (BenchmarkTrainStep,
// BenchmarkEvaluate, alternated). run calls the loop RunAll starts, gorgonia's
// unexported tapeMachine.runall, with buffered channels so that it returns instead of
// blocking. What RunAll does besides is for CUDA and batched BLAS (neither is used
// here) and for gradient closures of input nodes (lenet's graphs have none).
// TestTapeMatchesRunAll holds it to RunAll's results; gorgonia is pinned by go.sum, and
// a version without that method fails to link rather than run wrongly.
type tape struct {
	G.VM
	m unsafe.Pointer // the *gorgonia.tapeMachine
}

func newTape(g *G.ExprGraph, opts ...G.VMOpt) (*tape, error) {
	vm := G.NewTapeMachine(g, opts...)
	v := reflect.ValueOf(vm)
	if v.Kind() != reflect.Pointer || v.Type().String() != "*gorgonia.tapeMachine" {
		return nil, fmt.Errorf("tape machine: gorgonia returned a %T", vm)
	}
	return &tape{VM: vm, m: v.UnsafePointer()}, nil
}

// run runs the program once. Like RunAll, it must be followed by Reset before the next.
func (t *tape) run() error {
	errs, done := make(chan error, 1), make(chan struct{}, 1)
	tapeRunall(t.m, errs, done)
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

//go:linkname tapeRunall gorgonia.org/gorgonia.(*tapeMachine).runall
func tapeRunall(m unsafe.Pointer, errChan chan error, doneChan chan struct{})
