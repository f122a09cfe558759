// Package graph is LeNet-5 as a gorgonia expression graph: its weights (Params, a
// struct of named tensors), the model built on them (forward, in net.go, one line per
// layer), the Trainer (symbolic gradients by gorgonia.Grad, tape machines, Adam) and the
// Evaluator.
//
// Shapes, for a batch of B images:
//
//	input   (B,1,28,28)
//	C1      conv 6@5x5 + sigmoid           -> (B,6,24,24)
//	S2      2x2 average pool               -> (B,6,12,12)
//	C3      conv 16@5x5, connection table  -> (B,16,8,8), + sigmoid
//	S4      2x2 average pool               -> (B,16,4,4), flattened to (B,256)
//	F5      256->120 + sigmoid
//	F6      120->84 + sigmoid
//	F7      84->C, the logits (C classes: MNIST's 10); cost = mean softmax cross-entropy
//
// C3's output maps each read only the S2 maps that LeCun et al. (1998), Table I, connect
// them to: the kernel is multiplied by a constant 0/1 mask, so masked weights have no
// effect on the output and receive exactly zero gradient (and stay zero under Adam).
//
// What is gorgonia's and what is lenet's: the graph, its symbolic differentiation and
// the tape machines are gorgonia's. The solver is lenet's own AdamSolver: gorgonia's
// Solver interface and the same arithmetic as gorgonia's AdamSolver (tested bit for
// bit), but with a state that checkpoints can save, so a run resumes exactly. The layers
// are lenet's ops (package graph/ops) where gorgonia's are wrong (AveragePool2D) or
// measurably slower; their products run on the BLAS that package graph/kernels (or
// graph/openblas) registers. The tape machines are run on the calling goroutine
// (tape.go: gorgonia's RunAll hands each run between two OS threads), by a team of
// goroutines that lives with the Trainer or Evaluator (team.go).
//
// Parallelism: a training batch is split into shares (Shares), a machine each; the
// shares' gradients are summed in share order and the update is element-wise, so a
// seed gives the same weights on any number of cores.
//
// Variants (Arch): tanh or ReLU in place of every sigmoid, max in place of average
// pooling. Package train runs whole training runs on top of this package.
package graph
