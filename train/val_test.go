package train

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
)

// TestValidationChoosesTheModel trains three short epochs holding out 1,000 images:
// the manifest lists them, they are not trained on, the best link names the epoch of
// the lowest validation cost (not the test's choice), metrics.csv and the manifests
// carry validation and test figures. Without validation images the best link follows the last epoch.
func TestValidationChoosesTheModel(t *testing.T) {
	rec := DefaultRecipe()
	rec.Epochs, rec.Limit, rec.Augment, rec.Val, rec.ValSeed = 3, 3000, augment.Params{}, 1000, 5
	dir := t.TempDir()
	r, err := New(rec, Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.ValSet.Count != 1000 || r.TrainSet.Count != 3000 {
		t.Fatalf("%d held out, %d trained on (expected 1000 and 3000)", r.ValSet.Count, r.TrainSet.Count)
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, man, err := checkpoints.Load(filepath.Join(dir, checkpoints.BestLink))
	if err != nil {
		t.Fatal(err)
	}
	v := man.Hyper.Validation
	if v == nil || v.Count != 1000 || v.Seed != 5 {
		t.Fatalf("manifest's validation record %+v (expected 1000 images drawn by seed 5)", v)
	}
	idx := strings.Fields(v.Images)
	full, err := rec.Dataset.Load("", "train")
	if err != nil {
		t.Fatal(err)
	}
	if len(idx) != 1000 {
		t.Fatalf("manifest lists %d held-out images", len(idx))
	}
	for k, s := range idx { // each listed index is the k-th validation image
		i, err := strconv.Atoi(s)
		if err != nil || full.Labels[i] != r.ValSet.Labels[k] || string(full.Pixels[i*784:(i+1)*784]) != string(r.ValSet.Pixels[k*784:(k+1)*784]) {
			t.Fatalf("held-out image %d: manifest says index %q, which is another image", k, s)
		}
	}
	trained := map[string]bool{}
	for k := range r.TrainSet.Count {
		trained[string(r.TrainSet.Pixels[k*784:(k+1)*784])] = true
	}
	for k := range r.ValSet.Count {
		if trained[string(r.ValSet.Pixels[k*784:(k+1)*784])] {
			t.Fatalf("held-out image %d is among the training images", k)
		}
	}
	rows, err := ReadMetrics(filepath.Join(dir, MetricsFile), -1)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, row := range rows {
		if row.ValAccuracy <= 0 || row.ValCost <= 0 || row.TestAccuracy <= 0 {
			t.Fatalf("epoch %d: metrics %+v lack a figure", row.Epoch, row)
		}
		if want == 0 || row.ValCost < rows[want-1].ValCost {
			want = i + 1
		}
	}
	if man.Epoch != want || man.Metrics.ValAccuracy != rows[want-1].ValAccuracy {
		t.Errorf("best is epoch %d (validation cost %.4f); the lowest validation cost is epoch %d's (%+v)", man.Epoch, man.Metrics.ValCost, want, rows)
	}
	if best, e := r.Best(); e != want || best.ValAccuracy != rows[want-1].ValAccuracy || best.TestAccuracy != rows[want-1].TestAccuracy {
		t.Errorf("Best() = epoch %d, %+v (expected epoch %d)", e, best, want)
	}

	rec.Val, rec.Epochs = 0, 2
	dir = t.TempDir()
	r2, err := New(rec, Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if err := r2.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	best, _ := os.Readlink(filepath.Join(dir, checkpoints.BestLink))
	latest, _ := os.Readlink(filepath.Join(dir, checkpoints.LatestLink))
	if best != "epoch-002" || latest != best || r2.ValSet != nil {
		t.Errorf("without validation images best is %q, latest %q (expected both epoch-002)", best, latest)
	}
}

// TestMetricsBeforeValidation reads a metrics.csv written before validation columns
// existed (a run resumed from then) and round-trips one with them.
func TestMetricsBeforeValidation(t *testing.T) {
	path := filepath.Join(t.TempDir(), MetricsFile)
	old := "epoch,train_cost,train_accuracy,test_accuracy,seconds,lr\n1,0.5,0.9,0.95,3,0.001\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadMetrics(path, 1)
	if err != nil || len(rows) != 1 || rows[0] != (Row{Epoch: 1, TrainCost: 0.5, TrainAccuracy: 0.9, TestAccuracy: 0.95, Seconds: 3, LR: 0.001}) {
		t.Fatalf("old metrics.csv read as %+v, %v", rows, err)
	}
	rows = append(rows, Row{Epoch: 2, TrainCost: 0.25, TrainAccuracy: 0.95, ValCost: 0.125, ValAccuracy: 0.96, TestAccuracy: 0.97, Seconds: 3, LR: 0.0005})
	if err := WriteMetrics(path, rows); err != nil {
		t.Fatal(err)
	}
	again, err := ReadMetrics(path, -1)
	if err != nil || len(again) != 2 || again[0] != rows[0] || again[1] != rows[1] {
		t.Fatalf("metrics.csv round trip: %+v, %v (expected %+v)", again, err, rows)
	}
}
