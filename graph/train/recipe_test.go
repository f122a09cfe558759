package train

import (
	"reflect"
	"strings"
	"testing"

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
		{"no epochs", func(r *Recipe) { r.Epochs = 0 }, "0 epochs"},
		{"no batch", func(r *Recipe) { r.Batch = 0 }, "batch 0"},
		{"limit below batch", func(r *Recipe) { r.Limit = 10 }, "limit 10"},
		{"rate", func(r *Recipe) { r.Adam.LR = 0 }, "Adam"},
		{"beta", func(r *Recipe) { r.Adam.Beta2 = 1 }, "Adam"},
		{"dtype", func(r *Recipe) { r.Dtype = tensor.Int }, "dtype int"},
		{"data set", func(r *Recipe) { r.Dataset = dataset.Dataset{} }, "no data set"},
		{"architecture", func(r *Recipe) { r.Arch.Activation = "swish" }, "swish"},
		{"schedule", func(r *Recipe) { r.Schedule.Kind = "linear" }, "linear"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := DefaultRecipe()
			c.spoil(&r)
			if err := r.Validate(); err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want an error saying %q", err, c.says)
			}
		})
	}
}

// TestRecipeManifestRoundTrip: what a manifest records of a recipe gives it back.
func TestRecipeManifestRoundTrip(t *testing.T) {
	r := DefaultRecipe()
	r.Arch, r.Dtype, r.Dataset, r.Limit = graph.Arch{Name: "lenet5", Activation: "relu", Pool: "max", C3Table: true}, tensor.Float64, dataset.Fashion, 640
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
