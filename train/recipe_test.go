package train

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

// TestRecipeValidate: the default recipe is valid, and each broken field is named.
func TestRecipeValidate(t *testing.T) {
	if err := DefaultRecipe().Validate(); err != nil {
		t.Fatalf("default recipe: %v", err)
	}
	for _, c := range []struct {
		name  string
		spoil func(*Recipe)
		says  string
	}{
		{"no epochs", func(r *Recipe) { r.Epochs = 0 }, "invalid --epochs 0 (expected 1 to 1000)"},
		{"no batch", func(r *Recipe) { r.Batch = 0 }, "invalid --batch 0 (expected 1 to 60000)"},
		{"too many held out", func(r *Recipe) { r.Val = 40000 }, "invalid --val 40000 (expected 0 to 30000)"},
		{"limit below batch", func(r *Recipe) { r.Limit = 10 }, "invalid --limit 10: smaller than --batch 32"},
		{"rate", func(r *Recipe) { r.Adam.LR = 0 }, "invalid --lr 0 (expected a value in (0, 1])"},
		{"beta1", func(r *Recipe) { r.Adam.Beta1 = -0.1 }, "invalid --beta1 -0.1"},
		{"beta2", func(r *Recipe) { r.Adam.Beta2 = 1 }, "invalid --beta2 1"},
		{"epsilon", func(r *Recipe) { r.Adam.Eps = 0 }, "invalid --eps 0"},
		{"dtype", func(r *Recipe) { r.Dtype = tensor.Int }, "invalid --dtype int"},
		{"no data set", func(r *Recipe) { r.Dataset = dataset.Dataset{} }, `invalid --dataset ""`},
		{"made-up data set", func(r *Recipe) { r.Dataset = dataset.Dataset{Name: "mnist"} }, `invalid --dataset "mnist"`},
		{"activation", func(r *Recipe) { r.Arch.Activation = "swish" }, `invalid --activation "swish" (expected one of sigmoid, tanh, relu)`},
		{"pool", func(r *Recipe) { r.Arch.Pool = "min" }, `invalid --pool "min" (expected one of avg, max)`},
		{"schedule", func(r *Recipe) { r.Schedule.Kind = "linear" }, `invalid --lr-schedule "linear"`},
		{"step gamma", func(r *Recipe) { r.Schedule = graph.Schedule{Kind: "step", StepEpochs: 5} }, "invalid --lr-gamma 0"},
		{"minimum above the rate", func(r *Recipe) { r.Schedule.MinLR = 1 }, "invalid --lr-min 1 (expected a value in [0, 0.005])"},
		{"negative shear", func(r *Recipe) { r.Augment.Shear = -0.1 }, "invalid --shear -0.1 (expected a value in [0, 1])"},
		{"shift", func(r *Recipe) { r.Augment.Shift = 15 }, "invalid --shift 15"},
		{"zoom", func(r *Recipe) { r.Augment.Zoom = 1 }, "invalid --zoom 1"},
		{"rotate", func(r *Recipe) { r.Augment.Rotate = -1 }, "invalid --rotate -1"},
		{"noise", func(r *Recipe) { r.Augment.Noise = 2 }, "invalid --noise 2"},
		{"thickness", func(r *Recipe) { r.Augment.Thickness = 3 }, "invalid --thickness 3"},
		{"blur", func(r *Recipe) { r.Augment.Blur = math.NaN() }, "invalid --blur NaN"},
		{"clean", func(r *Recipe) { r.Augment.Clean = 1.5 }, "invalid --clean 1.5"},
		{"elastic", func(r *Recipe) { r.Augment.Elastic = augment.Elastic{Alpha: 8, Sigma: 0.1} }, "invalid --elastic 8,0.1 (expected a sigma of at least 0.5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := DefaultRecipe()
			c.spoil(&r)
			if err := r.Validate(); err == nil || !strings.HasPrefix(err.Error(), c.says) {
				t.Fatalf("got %v, want an error starting %q", err, c.says)
			}
			if _, err := New(r, Options{Out: t.TempDir()}); err == nil || !strings.HasPrefix(err.Error(), c.says) {
				t.Fatalf("New: got %v, want an error starting %q", err, c.says)
			}
		})
	}
}

// TestRecipeManifestRoundTrip: what a manifest records of a recipe gives it back.
func TestRecipeManifestRoundTrip(t *testing.T) {
	r := DefaultRecipe()
	r.Arch, r.Dtype, r.Dataset, r.Limit = graph.Arch{Activation: "relu", Pool: "max", Classes: dataset.Digits}, tensor.Float64, dataset.Fashion, 640
	r.Schedule = graph.Schedule{Kind: "step", StepEpochs: 2, Gamma: 0.5}
	m := r.manifest()
	got, err := recipeOf(&m, tensor.Float64)
	if err != nil || got.Dataset.Name != r.Dataset.Name {
		t.Fatalf("data set %s came back as %s (%v)", r.Dataset.Name, got.Dataset.Name, err)
	}
	got.Dataset, r.Dataset = dataset.Dataset{}, dataset.Dataset{} // holds a func: not comparable
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("recipe %+v came back as %+v (%v)", r, got, err)
	}
}
