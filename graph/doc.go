// Package graph is the seed LeNet-5 as a gorgonia expression graph: its parameters, the
// training machine (symbolic gradients, Adam, tape machine) and batched evaluation.
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
//	F7      84->10, the logits; cost = mean softmax cross-entropy
//
// C3's output maps each read only the S2 maps that LeCun et al. (1998), Table I, connect
// them to: the kernel is multiplied by a constant 0/1 mask, so masked weights have no
// effect on the output and receive exactly zero gradient (and stay zero under Adam).
//
// Variants (Arch): tanh or ReLU in place of every sigmoid, max in place of average
// pooling. The hot paths are custom gorgonia ops (conv.go, activation.go, pool.go) whose
// float32 arithmetic runs on AVX2/FMA assembly where the CPU has it (the sigmoid, and
// gonum's BLAS with a faster Sgemm, gemm_amd64.go), else in pure Go; package
// graph/openblas switches every product to OpenBLAS instead.
package graph
