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
// the highest validation accuracy (not the test's), metrics.csv and the manifests carry
// both accuracies. Without validation images the best link follows the last epoch.
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
		if row.ValAccuracy <= 0 || row.TestAccuracy <= 0 {
			t.Fatalf("epoch %d: metrics %+v lack an accuracy", row.Epoch, row)
		}
		if want == 0 || row.ValAccuracy > rows[want-1].ValAccuracy {
			want = i + 1
		}
	}
	if man.Epoch != want || man.Metrics.ValAccuracy != rows[want-1].ValAccuracy {
		t.Errorf("best is epoch %d (validation %.4f); the highest validation accuracy is epoch %d's (%+v)", man.Epoch, man.Metrics.ValAccuracy, want, rows)
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
