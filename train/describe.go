package train

import (
	"fmt"
	"path/filepath"

	"github.com/lenet/lenet/checkpoints"
)

// String says what the run trains, on what, how, and where (and where it resumes):
// lenet train's first line.
func (r *Run) String() string {
	rec := r.Recipe
	resuming := ""
	if r.epoch > 0 || r.batch > 0 {
		resuming = fmt.Sprintf("resuming at epoch %d, batch %d: ", r.epoch+1, r.batch)
	}
	held := ""
	if r.ValSet != nil {
		held = fmt.Sprintf(" (%d held out for validation)", r.ValSet.Count)
	}
	if t := rec.Tune; t != nil {
		member := ""
		if t.Member > 0 {
			member = fmt.Sprintf(" member %d", t.Member)
		}
		pictures := (r.TrainSet.Count - t.Mix) / t.Copies
		return fmt.Sprintf("%scontinuing %s%s (%v) on %d pictures in %s (%d more held out to choose the epoch), each %d times an epoch, and %d MNIST training images: %d images an epoch, batch %d, %s, Adam lr %g (%s), seed %d, %s; run folder %s", resuming,
			t.From, member, rec.Arch, pictures, t.Images, r.ValSet.Count, t.Copies, t.Mix, r.TrainSet.Count, rec.Batch, rec.Dtype, rec.Adam.LR, rec.Schedule.Kind, rec.Seed, rec.Augment, r.opt.Out)
	}
	return fmt.Sprintf("%straining %v on %d %s images%s, batch %d, %s, Adam lr %g (%s), seed %d, %s; run folder %s", resuming,
		rec.Arch, r.TrainSet.Count, rec.Dataset.Title, held, rec.Batch, rec.Dtype, rec.Adam.LR, rec.Schedule.Kind, rec.Seed, rec.Augment, r.opt.Out)
}

// Line is row as lenet train prints it after each of epochs epochs.
func (row Row) Line(epochs int) string {
	val := ""
	if row.ValAccuracy != 0 {
		val = fmt.Sprintf("  val %6.2f%% (cost %.4f)", 100*row.ValAccuracy, row.ValCost)
	}
	return fmt.Sprintf("epoch %2d/%d  cost %.4f  train %6.2f%%%s  test %6.2f%%  %5.1f s",
		row.Epoch, epochs, row.TrainCost, 100*row.TrainAccuracy, val, 100*row.TestAccuracy, row.Seconds)
}

// Outcome says which epoch is the run's model, why, and where its checkpoints are.
func (r *Run) Outcome() string {
	best, epoch := r.Best()
	chosen := "the last epoch (no validation images)"
	if r.ValSet != nil {
		chosen = fmt.Sprintf("epoch %d, the lowest cost on %d validation images (%.4f, %.2f%% right)", epoch, r.ValSet.Count, best.ValCost, 100*best.ValAccuracy)
	}
	return fmt.Sprintf("model: %s, test accuracy %.2f%%; checkpoints %s and %s", chosen, 100*best.TestAccuracy,
		filepath.Join(r.opt.Out, checkpoints.BestLink), filepath.Join(r.opt.Out, checkpoints.LatestLink))
}

// Outcome says what the committee scores and where its checkpoint is, once trained.
func (c *Committee) Outcome() (string, error) {
	dir := filepath.Join(c.opt.Out, CommitteeDir)
	mod, err := checkpoints.LoadModel(dir)
	if err != nil {
		return "", err
	}
	m := mod.Manifest
	val := ""
	if m.Metrics.ValAccuracy != 0 {
		val = fmt.Sprintf(", validation %.2f%%", 100*m.Metrics.ValAccuracy)
	}
	temp := "no temperature"
	if m.Temperature > 0 {
		temp = fmt.Sprintf("temperature %.3f", m.Temperature)
	}
	return fmt.Sprintf("committee of %d: test accuracy %.2f%%%s, %s; checkpoint %s (links best and latest)", c.Size, 100*m.Metrics.TestAccuracy, val, temp, dir), nil
}
