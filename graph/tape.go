package graph

import (
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"
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
// TestTapeMatchesRunAll holds it to RunAll's results. A version without that method
// fails to link, but one whose runall takes other arguments would link and corrupt
// memory: in a program built with any gorgonia but checkedGorgonia, the version this call
// was read against (a module that imports lenet may require a newer one), the tape runs
// gorgonia's own RunAll instead, slower and correct, and Runner says so (lenet version
// prints it); TestGorgoniaPinned fails on lenet's own build.
// checkedGorgonia is the gorgonia release whose tapeMachine.runall signature tapeRunall
// repeats (gorgonia.org/gorgonia's vm_tape.go). Upgrading gorgonia means reading that
// method again, then changing this.
const checkedGorgonia = "v0.9.18"

type tape struct {
	G.VM
	m      unsafe.Pointer // the *gorgonia.tapeMachine
	direct bool           // run calls runall itself; false: RunAll
}

func newTape(g *G.ExprGraph, opts ...G.VMOpt) (*tape, error) {
	vm := G.NewTapeMachine(g, opts...)
	v := reflect.ValueOf(vm)
	if v.Kind() != reflect.Pointer || v.Type().String() != "*gorgonia.tapeMachine" {
		return nil, fmt.Errorf("tape machine: gorgonia returned a %T", vm)
	}
	return &tape{VM: vm, m: v.UnsafePointer(), direct: gorgoniaChecked() == nil}, nil
}

// Runner says how the graphs run in this program: on the calling goroutine through
// gorgonia's tapeMachine.runall, or, in a program built with a gorgonia other than the
// one that call was checked against, through gorgonia's RunAll and why.
func Runner() string {
	if err := gorgoniaChecked(); err != nil {
		return "gorgonia's RunAll (slower): " + err.Error()
	}
	return "lenet's synchronous tape (gorgonia " + checkedGorgonia + ")"
}

// gorgoniaChecked checks the running program's gorgonia once (see checkGorgonia).
var gorgoniaChecked = sync.OnceValue(func() error {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil // built without module support: go.sum's pin is all there is
	}
	return checkGorgonia(info, false)
})

// checkGorgonia says what is wrong when the build info's gorgonia is not checkedGorgonia.
// Without a gorgonia module in info (test binaries record no dependencies) it fails only
// if needed says so.
func checkGorgonia(info *debug.BuildInfo, needed bool) error {
	for _, m := range info.Deps {
		if m.Path != "gorgonia.org/gorgonia" {
			continue
		}
		if r := m.Replace; r != nil {
			m = r
		}
		if m.Version != checkedGorgonia {
			return fmt.Errorf("gorgonia is %s %q, but lenet's graph/tape.go calls its unexported "+
				"tapeMachine.runall as %s declares it: build with gorgonia %s for the faster runs (or read that "+
				"method in the new version, fix tapeRunall if it changed, and set checkedGorgonia)",
				m.Path, m.Version, checkedGorgonia, checkedGorgonia)
		}
		return nil
	}
	if needed {
		return fmt.Errorf("no gorgonia.org/gorgonia in the build information, so the version " +
			"graph/tape.go's go:linkname call needs cannot be checked")
	}
	return nil
}

// run runs the program once. Like RunAll, it must be followed by Reset before the next.
func (t *tape) run() error {
	if !t.direct {
		return t.VM.RunAll()
	}
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
