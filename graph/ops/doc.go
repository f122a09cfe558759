// Package ops holds lenet's custom gorgonia ops: the 5x5 convolution, the activations
// and 2x2 pooling, each with its gradient ops, on one shared base (op.go) that writes
// gorgonia's Op interface once; and fused ops that compute a layer with its bias,
// sigmoid and pooling in one op, with the same bits as the layer's ops: forward-only for
// evaluation graphs (fused.go), and for training graphs with gradient ops that need no
// im2col columns (fused_train.go).
//
// Each exists because gorgonia's own is wrong or measurably slower here: AveragePool2D
// divides by the wrong count and misplaces its gradient (v0.9.18); Conv2d lays its
// im2col out so that every step needs transposes and a broadcast copy of the bias; the
// activations and MaxPool2D allocate fresh tensors every step. Every op keeps its result
// and scratch memory in buffers the tape machine reuses, and each is tested against
// gorgonia's stock op (values and gradients) and, through the whole model, by finite
// differences (package graph).
package ops
