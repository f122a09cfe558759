package onnx_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/graph/kernels"
	"github.com/lenet/lenet/onnx"
	"gorgonia.org/tensor"
)

func TestMain(m *testing.M) {
	kernels.UseBest() // lenet's side of the comparison is what the command computes
	os.Exit(m.Run())
}

// tolerance is how far ONNX Runtime's probabilities may be from lenet's.
const tolerance = 1e-5

// TestRuntimeMatchesLenet exports models, runs them in ONNX Runtime (onnxruntime-node,
// through js/run.mjs) on the 10,000 MNIST test images and on a batch of one, and
// requires lenet's guess for every image and every probability within tolerance: the
// built-in model, variants with each other activation and pooling, and a float64 model
// (exported as float32).
func TestRuntimeMatchesLenet(t *testing.T) {
	node, script := runtime(t)
	test, err := dataset.MNIST.Load("", "test")
	if err != nil {
		t.Fatal(err)
	}
	images := floats(test.Pixels)
	mod, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	builtin := mod.Params
	relu := trainedVariant(t, graph.Arch{Activation: "relu", Pool: "max", Classes: dataset.Digits})
	tanh := trainedVariant(t, graph.Arch{Activation: "tanh", Pool: "avg", Classes: dataset.Digits})
	one := func(p *graph.Params) *checkpoints.Model { return &checkpoints.Model{Params: p} }
	for _, c := range []struct {
		name  string
		model *checkpoints.Model
	}{
		{"built-in", mod},
		{"relu, max pool", one(relu)},
		{"tanh, avg pool", one(tanh)},
		{"sigmoid, max pool", one(trainedVariant(t, graph.Arch{Activation: "sigmoid", Pool: "max", Classes: dataset.Digits}))},
		{"float64", one(asFloat64(t, builtin))},
		{"at temperature 1.7", &checkpoints.Model{Params: relu, Temperature: 1.7}},
		{"committee of 3 at temperature 0.8", &checkpoints.Model{Params: builtin, Members: []*checkpoints.Model{one(builtin), one(relu), one(tanh)}, Temperature: 0.8}},
		{"two classes", &checkpoints.Model{Params: trainedVariant(t, graph.Arch{Activation: "sigmoid", Pool: "avg", Classes: 2}), Dataset: dataset.Pieces}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			model := filepath.Join(dir, "lenet.onnx")
			if c.model.Dataset.Name == "" {
				c.model.Dataset = dataset.MNIST
			}
			if err := onnx.Export(model, c.model); err != nil {
				t.Fatal(err)
			}
			ev, err := c.model.Evaluator(250)
			if err != nil {
				t.Fatal(err)
			}
			defer ev.Close()
			want, err := ev.Probabilities(images)
			if err != nil {
				t.Fatal(err)
			}
			k := c.model.Params.Arch.Classes
			got := run(t, node, script, model, images, dir, k)
			compare(t, got, want, k)
			one := run(t, node, script, model, images[7*784:8*784], dir, k) // a batch of one
			compare(t, one, want[7*k:8*k], k)
		})
	}
}

// TestCheckerAcceptsModel runs the ONNX project's own checker (Debian's python3-onnx),
// with shape inference, on an export of the built-in model and of a variant.
func TestCheckerAcceptsModel(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import onnx").Run(); err != nil {
		needed(t, "Debian's python3-onnx (apt-get install python3-onnx)")
	}
	mod, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	builtin := mod.Params
	relu := builtin.Clone()
	relu.Arch = graph.Arch{Activation: "relu", Pool: "max", Classes: dataset.Digits}
	for _, p := range []*graph.Params{builtin, relu} {
		path := filepath.Join(t.TempDir(), "lenet.onnx")
		var buf bytes.Buffer
		if err := onnx.Write(&buf, p, onnx.Info{Dataset: dataset.MNIST}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		check := `import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
meta = {p.key: p.value for p in m.metadata_props}
print(m.opset_import[0].version, meta["opset"], meta["classes"])`
		out, err := exec.Command("/usr/bin/python3", "-c", check, path).CombinedOutput()
		if err != nil {
			t.Fatalf("onnx.checker refuses the %s model: %v\n%s", p.Arch.Activation, err, out)
		}
		if want := "13 13 0,1,2,3,4,5,6,7,8,9\n"; string(out) != want {
			t.Errorf("opset and metadata: %q, want %q", out, want)
		}
	}
}

// runtime finds node and run.mjs's installed onnxruntime-node, or skips (fails under CI).
func runtime(t *testing.T) (node, script string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		needed(t, "Node.js")
	}
	if _, err := os.Stat(filepath.Join("js", "node_modules", "onnxruntime-node")); err != nil {
		needed(t, "onnxruntime-node (cd onnx/js && npm ci --ignore-scripts)")
	}
	return node, filepath.Join("js", "run.mjs")
}

func needed(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI must have %s", what)
	}
	t.Skipf("needs %s", what)
}

// run runs images through the model, of k classes, in ONNX Runtime and returns the
// probabilities.
func run(t *testing.T, node, script, model string, images []float32, dir string, k int) []float32 {
	t.Helper()
	in, out := filepath.Join(dir, "images.f32"), filepath.Join(dir, "probabilities.f32")
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, images)
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, err := exec.Command(node, script, model, in, out).CombinedOutput()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stdout)
	}
	var said struct {
		Inputs, Outputs []string
		Dims            []int
	}
	if err := json.Unmarshal(stdout, &said); err != nil {
		t.Fatalf("node %s printed %q: %v", script, stdout, err)
	}
	n := len(images) / 784
	if len(said.Inputs) != 1 || said.Inputs[0] != "image" || len(said.Outputs) != 1 || said.Outputs[0] != "probabilities" ||
		len(said.Dims) != 2 || said.Dims[0] != n || said.Dims[1] != k {
		t.Errorf("ONNX Runtime sees inputs %v, outputs %v of %v; want image, probabilities of [%d %d]", said.Inputs, said.Outputs, said.Dims, n, k)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	probs := make([]float32, len(raw)/4)
	binary.Read(bytes.NewReader(raw), binary.LittleEndian, probs)
	if len(probs) != n*k {
		t.Fatalf("%d probabilities for %d images", len(probs), n)
	}
	return probs
}

// compare requires the same guess for every image and probabilities within tolerance,
// rows of k classes.
func compare(t *testing.T, got []float32, want []float64, k int) {
	t.Helper()
	worst, differ := 0.0, 0
	for i := 0; i < len(want); i += k {
		if argmax(got[i:i+k]) != argmax(want[i:i+k]) {
			differ++
		}
		for j := range k {
			worst = math.Max(worst, math.Abs(float64(got[i+j])-want[i+j]))
		}
	}
	t.Logf("%d images: largest difference %.2g, %d guesses differ", len(want)/k, worst, differ)
	if differ > 0 || !(worst <= tolerance) {
		t.Errorf("%d of %d guesses differ, probabilities up to %.2g apart (want none, at most %g)", differ, len(want)/k, worst, tolerance)
	}
}

func argmax[T float32 | float64](v []T) int {
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}

func floats(px []byte) []float32 {
	v := make([]float32, len(px))
	for i, b := range px {
		v[i] = float32(b) / 255
	}
	return v
}

// trainedVariant is a network of arch after 400 steps on 12,800 training images: a
// model whose guesses mean something (ties are rare).
// trainedVariant is a network of arch trained 400 steps on MNIST's training digits (a
// two-class one on whether each is odd).
func trainedVariant(t *testing.T, arch graph.Arch) *graph.Params {
	t.Helper()
	p, err := graph.NewArchParams(arch, tensor.Float32, 3)
	if err != nil {
		t.Fatal(err)
	}
	train, err := dataset.MNIST.Load("", "train")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := graph.NewTrainer(p, 32, graph.Optimizer{Adam: graph.Adam{LR: 3e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	for s := range 400 {
		lo, hi := s*32, (s+1)*32
		labels := slices.Clone(train.Labels[lo:hi])
		for i := range labels {
			labels[i] %= byte(arch.Classes)
		}
		if _, _, err := tr.Step(floats(train.Pixels[lo*784:hi*784]), labels); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// asFloat64 is p with float64 weights of the same values.
func asFloat64(t *testing.T, p *graph.Params) *graph.Params {
	t.Helper()
	q, err := graph.ZeroParams(graph.SeedArch, tensor.Float64)
	if err != nil {
		t.Fatal(err)
	}
	q.Arch = p.Arch
	src := p.Learnables()
	for i, d := range q.Learnables() {
		dst := d.Data().([]float64)
		for j, v := range src[i].Data().([]float32) {
			dst[j] = float64(v)
		}
	}
	return q
}

// TestDocsShowWhatRuns: every line of docs/onnx.md's JavaScript example is a line of
// js/run.mjs, the script the tests run.
func TestDocsShowWhatRuns(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "onnx.md"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("js", "run.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(doc), "```js\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("docs/onnx.md has no ```js block")
	}
	lines := strings.Split(string(script), "\n")
	for _, l := range strings.Split(strings.TrimSpace(block), "\n") {
		if !slices.Contains(lines, l) {
			t.Errorf("docs/onnx.md shows %q, which js/run.mjs does not run", l)
		}
	}
}

// TestClassesFollowTheModel: a two-class model's output is [N, 2] and its metadata
// names its data set's two classes; a model whose class count is not its data set's is
// refused.
func TestClassesFollowTheModel(t *testing.T) {
	p, err := graph.NewArchParams(graph.Arch{Activation: "sigmoid", Pool: "avg", Classes: 2}, tensor.Float32, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := onnx.Model(p, onnx.Info{Dataset: dataset.Pieces})
	if err != nil {
		t.Fatal(err)
	}
	dims := m.Graph.Output[0].Type.GetTensorType().Shape.Dim
	if len(dims) != 2 || dims[1].GetDimValue() != 2 {
		t.Errorf("output shape %v (want [N 2])", dims)
	}
	classes := ""
	for _, kv := range m.MetadataProps {
		if kv.Key == "classes" {
			classes = kv.Value
		}
	}
	if classes != "not one digit,one digit" {
		t.Errorf("classes metadata %q", classes)
	}
	if _, err := onnx.Model(p, onnx.Info{Dataset: dataset.MNIST}); err == nil || !strings.Contains(err.Error(), "a network of 2 classes in a model of MNIST's 10") {
		t.Errorf("a two-class model as MNIST's: %v", err)
	}
}
