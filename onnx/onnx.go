// Package onnx writes a LeNet-5 as an ONNX model, for ONNX Runtime and every other
// runtime that reads the format: input "image", float32 [N, 1, 28, 28] with the batch
// dynamic; output "probabilities", float32 [N, 10]. The protobuf messages are the ONNX
// project's own definitions, compiled for Go with google.golang.org/protobuf by the
// gonnx package; this package only fills them in.
package onnx

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/atomicfile"
	"google.golang.org/protobuf/proto"
	"gorgonia.org/tensor"
)

// Opset is the ONNX operator set the model uses (every operator in it has had its
// current definition since opset 13 or earlier), and IRVersion the ONNX IR version of
// the file (7: opset 13's).
const (
	Opset     = 13
	IRVersion = 7
)

// Preprocessing says what the input must look like: MNIST's format, as lenet's
// preprocess package makes any picture into.
const Preprocessing = "image: float32 [N, 1, 28, 28], row-major, values 0 (background) to 1 (ink), ink bright on dark; " +
	"each digit scaled to fit 20x20 keeping its aspect ratio and centred by its centre of mass in the 28x28 field, " +
	"as MNIST's were (lenet's preprocess package does this to any picture)"

// Info is what the model's metadata says about it besides the opset and the
// preprocessing: its name, the command that trained it, its test accuracy, its classes.
type Info struct {
	Name     string          // e.g. "built-in" or a checkpoint folder's name
	Command  string          // the command that trained it, if known
	Accuracy float64         // on its data set's test images, if known (0: unknown)
	Dataset  dataset.Dataset // the classes it tells apart
}

// Export writes m into the file path as an ONNX model, whole or not at all, with its
// name, the command that trained it and its test accuracy in the metadata. It never
// replaces an existing file.
func Export(path string, m *checkpoints.Model) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("onnx: %s already exists (not overwritten)", path)
	}
	info := Info{Name: m.Name, Dataset: m.Dataset}
	if mf := m.Manifest; mf != nil {
		info.Command, info.Accuracy = mf.Command, mf.Metrics.TestAccuracy
	}
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		mp, err := Committee(m.Networks(), m.Temperature, info)
		if err != nil {
			return err
		}
		return encode(w, mp)
	})
}

// Write writes p as an ONNX model to w (see Model).
func Write(w io.Writer, p *graph.Params, info Info) error {
	m, err := Model(p, info)
	if err != nil {
		return err
	}
	return encode(w, m)
}

// encode writes m's protobuf encoding to w.
func encode(w io.Writer, m *pb.ModelProto) error {
	b, err := proto.Marshal(m)
	if err != nil {
		return fmt.Errorf("onnx: encoding the model: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	return nil
}

// Model is p as an ONNX model: C1 and C3 as Conv (C3's connection table as zeros in
// its full 16x6x5x5 kernel: the unconnected kernels add exact zeros, so the sums are
// the network's), the activation after every hidden layer, 2x2 average or maximum
// pooling as AveragePool or MaxPool, F5-F7 as Gemm, and Softmax. Weights are stored as
// float32; a float64 model's are rounded to float32, which moves its probabilities by
// about 1e-7.
func Model(p *graph.Params, info Info) (*pb.ModelProto, error) {
	return Committee([]*graph.Params{p}, 0, info)
}

// Committee is Model for a committee of networks: each member's nodes and weights named
// with the prefix mK_ (none for a committee of one), their probabilities averaged (Mean)
// and, for a temperature other than 0 or 1, tempered as lenet does: Softmax(Log(p)/T).
func Committee(members []*graph.Params, temperature float64, info Info) (*pb.ModelProto, error) {
	if len(members) == 0 || temperature < 0 {
		return nil, fmt.Errorf("onnx: a committee of %d at temperature %v", len(members), temperature)
	}
	classes := members[0].Arch.Classes
	for _, p := range members {
		if p.Arch.Classes != classes || len(info.Dataset.Classes) != classes {
			return nil, fmt.Errorf("onnx: a network of %d classes in a model of %s's %d", p.Arch.Classes, info.Dataset.Title, len(info.Dataset.Classes))
		}
	}
	var nodes []*pb.NodeProto
	var inits []*pb.TensorProto
	var outs []string
	for k, p := range members {
		prefix := ""
		if len(members) > 1 {
			prefix = fmt.Sprintf("m%d_", k+1)
		}
		n, in, err := network(p, prefix)
		if err != nil {
			return nil, err
		}
		nodes, inits, outs = append(nodes, n...), append(inits, in...), append(outs, n[len(n)-1].Output[0])
	}
	add := func(op, out string, in ...string) string {
		nodes = append(nodes, &pb.NodeProto{Name: out, OpType: op, Input: in, Output: []string{out}})
		return out
	}
	if len(members) > 1 {
		out := "probabilities"
		if temperature != 0 && temperature != 1 {
			out = "mean"
		}
		add("Mean", out, outs...)
	}
	if temperature != 0 && temperature != 1 {
		if len(members) == 1 {
			nodes[len(nodes)-1].Output[0], nodes[len(nodes)-1].Name = "mean", "mean"
		}
		inits = append(inits, &pb.TensorProto{Name: "temperature", DataType: int32(pb.TensorProto_FLOAT), FloatData: []float32{float32(temperature)}})
		h := add("Div", "tempered", add("Log", "log_mean", "mean"), "temperature")
		nodes = append(nodes, &pb.NodeProto{Name: "probabilities", OpType: "Softmax", Input: []string{h}, Output: []string{"probabilities"},
			Attribute: []*pb.AttributeProto{{Name: "axis", Type: pb.AttributeProto_INT, I: 1}}})
	}
	p := members[0]
	arch := fmt.Sprintf("LeNet-5 (%s, %s pool), C3 as LeCun 1998 Table I", p.Arch.Activation, p.Arch.Pool)
	if len(members) > 1 {
		arch = fmt.Sprintf("a committee of %d %s, their probabilities averaged", len(members), arch)
	}
	meta := []*pb.StringStringEntryProto{
		{Key: "opset", Value: strconv.Itoa(Opset)},
		{Key: "preprocessing", Value: Preprocessing},
		{Key: "classes", Value: strings.Join(info.Dataset.Classes, ",")},
		{Key: "architecture", Value: arch},
		{Key: "trained_dtype", Value: p.Dtype.String()},
	}
	if temperature != 0 && temperature != 1 {
		meta = append(meta, &pb.StringStringEntryProto{Key: "temperature", Value: strconv.FormatFloat(temperature, 'g', -1, 64)})
	}
	if info.Name != "" {
		meta = append(meta, &pb.StringStringEntryProto{Key: "model", Value: info.Name})
	}
	if info.Command != "" {
		meta = append(meta, &pb.StringStringEntryProto{Key: "trained_by", Value: info.Command})
	}
	if info.Accuracy > 0 {
		meta = append(meta, &pb.StringStringEntryProto{Key: "test_accuracy", Value: strconv.FormatFloat(info.Accuracy, 'f', 4, 64)})
	}
	return &pb.ModelProto{
		IrVersion:     IRVersion,
		OpsetImport:   []*pb.OperatorSetIdProto{{Domain: "", Version: Opset}},
		ProducerName:  "lenet",
		ModelVersion:  1,
		DocString:     "LeNet-5 trained by lenet on " + info.Dataset.Title + ". " + Preprocessing,
		MetadataProps: meta,
		Graph: &pb.GraphProto{
			Name:        "lenet5",
			Node:        nodes,
			Initializer: inits,
			Input:       []*pb.ValueInfoProto{valueInfo("image", "N", 1, 28, 28)},
			Output:      []*pb.ValueInfoProto{valueInfo("probabilities", "N", int64(classes))},
		},
	}, nil
}

// network is p's nodes from "image" to its probabilities, and its weights, each name
// with prefix.
func network(p *graph.Params, prefix string) ([]*pb.NodeProto, []*pb.TensorProto, error) {
	if err := p.Arch.Validate(); err != nil {
		return nil, nil, fmt.Errorf("onnx: %w", err)
	}
	act, ok := map[string]string{"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}[p.Arch.Activation]
	if !ok {
		return nil, nil, fmt.Errorf("onnx: activation %q has no ONNX operator here", p.Arch.Activation)
	}
	pool := map[string]string{"avg": "AveragePool", "max": "MaxPool"}[p.Arch.Pool]
	if pool == "" {
		return nil, nil, fmt.Errorf("onnx: pooling %q has no ONNX operator here", p.Arch.Pool)
	}

	var inits []*pb.TensorProto
	layout, s := p.Arch.Layout(), p.Arch.Shapes()
	for i, t := range p.Learnables() {
		spec := layout[i]
		v, err := float32s(t)
		if err != nil {
			return nil, nil, fmt.Errorf("onnx: %s: %w", spec.Name, err)
		}
		if spec.Name == s.C3Kernels.Name {
			v = slices.Clone(v)
			for o := range 16 {
				for in := range 6 {
					if !graph.Connected(o, in) {
						clear(v[(o*6+in)*25 : (o*6+in+1)*25])
					}
				}
			}
		}
		dims := make([]int64, len(spec.Shape))
		for j, d := range spec.Shape {
			dims[j] = int64(d)
		}
		inits = append(inits, &pb.TensorProto{Name: prefix + spec.Name, Dims: dims, DataType: int32(pb.TensorProto_FLOAT), FloatData: v})
	}

	var nodes []*pb.NodeProto
	add := func(op, out string, attrs []*pb.AttributeProto, in ...string) string {
		out = prefix + out
		for i, name := range in {
			if slices.ContainsFunc(layout, func(s graph.Spec) bool { return s.Name == name }) {
				in[i] = prefix + name // a weight
			}
		}
		nodes = append(nodes, &pb.NodeProto{Name: out, OpType: op, Input: in, Output: []string{out}, Attribute: attrs})
		return out
	}
	ints := func(name string, v ...int64) *pb.AttributeProto {
		return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INTS, Ints: v}
	}
	window := []*pb.AttributeProto{ints("kernel_shape", 2, 2), ints("strides", 2, 2)}
	conv := []*pb.AttributeProto{ints("kernel_shape", 5, 5)}
	h := add("Conv", "c1", conv, "image", s.C1Kernels.Name, s.C1Biases.Name) // (N,6,24,24)
	h = add(pool, "s2", window, add(act, "c1_act", nil, h))                  // (N,6,12,12)
	h = add("Conv", "c3", conv, h, s.C3Kernels.Name, s.C3Biases.Name)        // (N,16,8,8)
	h = add(pool, "s4", window, add(act, "c3_act", nil, h))                  // (N,16,4,4)
	h = add("Flatten", "flat", []*pb.AttributeProto{{Name: "axis", Type: pb.AttributeProto_INT, I: 1}}, h)
	h = add(act, "f5_act", nil, add("Gemm", "f5", nil, h, s.F5Weights.Name, s.F5Biases.Name))
	h = add(act, "f6_act", nil, add("Gemm", "f6", nil, h, s.F6Weights.Name, s.F6Biases.Name))
	h = add("Gemm", "logits", nil, h, s.F7Weights.Name, s.F7Biases.Name)
	add("Softmax", "probabilities", []*pb.AttributeProto{{Name: "axis", Type: pb.AttributeProto_INT, I: 1}}, h)

	return nodes, inits, nil
}

// valueInfo declares a float32 tensor whose first dimension is the symbolic batch.
func valueInfo(name, batch string, dims ...int64) *pb.ValueInfoProto {
	shape := &pb.TensorShapeProto{Dim: []*pb.TensorShapeProto_Dimension{{Value: &pb.TensorShapeProto_Dimension_DimParam{DimParam: batch}}}}
	for _, d := range dims {
		shape.Dim = append(shape.Dim, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: d}})
	}
	return &pb.ValueInfoProto{Name: name, Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{
		TensorType: &pb.TypeProto_Tensor{ElemType: int32(pb.TensorProto_FLOAT), Shape: shape}}}}
}

// float32s is t's values as float32.
func float32s(t *tensor.Dense) ([]float32, error) {
	switch d := t.Data().(type) {
	case []float32:
		return d, nil
	case []float64:
		v := make([]float32, len(d))
		for i, x := range d {
			v[i] = float32(x)
		}
		return v, nil
	}
	return nil, fmt.Errorf("dtype %v: expected float32 or float64", t.Dtype())
}
