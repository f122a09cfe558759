package checkpoints

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lenet/lenet/graph"
)

// A run folder holds the checkpoints of one training run: folders epoch-NNN, and two
// symbolic links, latest and best, each replaced atomically (a new link renamed over the
// old). Epoch folders that neither link names are removed.
const (
	LatestLink = "latest"
	BestLink   = "best"
)

// ErrRunExists refuses to train into a folder that already holds a run.
var ErrRunExists = errors.New("folder already holds a training run")

// MinFreeBytes is the space a run needs: at most three checkpoints of ~1 MB (float64
// weights and Adam's moments) live at once, plus metrics and curves; the rest is margin.
const MinFreeBytes = 16 << 20

// PrepareRun creates dir for a new run, or accepts it when it exists and holds no run.
func PrepareRun(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create run folder: %w", err)
	}
	if target, err := os.Readlink(filepath.Join(dir, LatestLink)); err == nil {
		return fmt.Errorf("%s: %w (%s -> %s); choose another --out or remove it", dir, ErrRunExists, LatestLink, target)
	}
	probe, err := os.CreateTemp(dir, ".write-test-")
	if err != nil {
		return fmt.Errorf("run folder %s is not writable: %w", dir, err)
	}
	probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
		return err
	}
	free, err := freeBytes(dir)
	if err != nil {
		return err
	}
	if free < MinFreeBytes {
		return fmt.Errorf("run folder %s: only %d KiB free on its disk, a run needs %d MiB", dir, free>>10, MinFreeBytes>>20)
	}
	return nil
}

// SaveEpoch saves a checkpoint into dir/epoch-NNN (m.Epoch completed epochs), or
// dir/epoch-NNN-batch-NNNNN when m.Resume says the run stopped within epoch NNN+1,
// points latest at it, and best too when isBest, then removes folders no link names.
// Folders no link names are removed first too: a run killed after its checkpoint's
// folder was renamed into place and before latest named it resumes from the one before
// and writes that folder again.
func SaveEpoch(dir string, p *graph.Params, m Manifest, adam *AdamState, isBest bool) error {
	name := fmt.Sprintf("epoch-%03d", m.Epoch)
	if m.Resume != nil && m.Resume.Batch > 0 {
		name += fmt.Sprintf("-batch-%05d", m.Resume.Batch)
	}
	if err := prune(dir); err != nil {
		return err
	}
	if err := Save(filepath.Join(dir, name), p, m, adam); err != nil {
		return err
	}
	if err := relink(dir, LatestLink, name); err != nil {
		return err
	}
	if isBest {
		if err := relink(dir, BestLink, name); err != nil {
			return err
		}
	}
	return prune(dir)
}

// Resolve returns dir when it is a checkpoint, or the checkpoint its best link names
// when dir is a run folder.
func Resolve(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, ManifestName)); err == nil {
		return dir, nil
	}
	best := filepath.Join(dir, BestLink)
	if _, err := os.Stat(filepath.Join(best, ManifestName)); err == nil {
		return best, nil
	}
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	return "", fmt.Errorf("checkpoint %s: %w: no %s, and no run folder's %s/%s", dir, fs.ErrNotExist, ManifestName, BestLink, ManifestName)
}

// Link points dir's link (LatestLink or BestLink) at target, a folder in dir, replacing
// it atomically.
func Link(dir, link, target string) error { return relink(dir, link, target) }

func relink(dir, link, target string) error {
	tmp := filepath.Join(dir, "."+link+".tmp")
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, link)); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	return syncDir(dir)
}

func prune(dir string) error {
	keep := map[string]bool{}
	for _, l := range []string{LatestLink, BestLink} {
		if t, err := os.Readlink(filepath.Join(dir, l)); err == nil {
			keep[t] = true
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("prune %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "epoch-") && !keep[e.Name()] {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("prune %s: %w", dir, err)
			}
		}
	}
	return nil
}
