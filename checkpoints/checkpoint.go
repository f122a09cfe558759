package checkpoints

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

// Format identifies a lenet checkpoint; Version changes whenever the layout does.
const (
	Format       = "lenet-checkpoint"
	Version      = 1
	ManifestName = "manifest.json"
	// maxFileSize bounds what Load reads of any one file: the largest tensor, F5's
	// weights in float64, is 246 KB.
	maxFileSize = 4 << 20
)

// Sentinel errors for refused checkpoints.
var (
	ErrVersion  = errors.New("unsupported checkpoint")
	ErrCorrupt  = errors.New("corrupt checkpoint")
	ErrManifest = errors.New("invalid manifest")
	// ErrCommittee is Load's error for a committee's folder, which holds several
	// networks (LoadModel loads it).
	ErrCommittee = errors.New("committee checkpoint")
)

// Manifest describes a checkpoint.
type Manifest struct {
	Format  string     `json:"format"`
	Version int        `json:"version"`
	Arch    graph.Arch `json:"arch"`
	Dtype   string     `json:"dtype"`
	Epoch   int        `json:"epoch"`
	Hyper   Hyper      `json:"hyper"`
	Metrics Metrics    `json:"metrics"`
	Files   []File     `json:"files"`
	Resume  *Resume    `json:"resume,omitempty"`  // what continuing the run needs
	Command string     `json:"command,omitempty"` // the command line that trained the model
	// Temperature divides the logits (softmax(z/T)) in every command that shows
	// probabilities: fitted on the validation images when that calibrates held-out ones
	// better; 0 is none (1).
	Temperature float64 `json:"temperature,omitempty"`
	// Members are a committee's member checkpoints, subfolders of its folder, whose
	// probabilities it averages; a committee's manifest lists no Files of its own.
	Members []string `json:"members,omitempty"`
}

// Resume is the training state beyond the weights: where the run stood and Adam's
// moment estimates (files adam_m_NAME.npy and adam_v_NAME.npy).
type Resume struct {
	Batch     int     `json:"batch"`         // batches of epoch Epoch+1 already trained; 0 at an epoch's end
	AdamSteps int     `json:"adam_steps"`    // Adam updates so far (its bias-correction step)
	CostSum   float64 `json:"cost_sum"`      // sum of batch costs so far in the partial epoch
	Correct   int     `json:"correct"`       // right answers so far in the partial epoch
	Seconds   float64 `json:"seconds"`       // spent so far on the partial epoch
	Best      float64 `json:"best_val_cost"` // the validation cost that chose the best epoch
	BestEpoch int     `json:"best_epoch"`
	Files     []File  `json:"files"`
}

// AdamState is the solver state a checkpoint carries: moments in Layout order.
type AdamState struct {
	M, V []*tensor.Dense
}

// Hyper records how the model was trained.
type Hyper struct {
	Epochs int        `json:"epochs"`
	Batch  int        `json:"batch"`
	Adam   graph.Adam `json:"adam"`
	Seed   uint64     `json:"seed"`
	Limit  int        `json:"limit,omitempty"` // training images used; 0 = all
	Data   string     `json:"data,omitempty"`  // the --data folder, if one was given
	// DataSHA256 are the checksums (dataset.Set.Checksum) of the training images used
	// and of the test images: the data set by content, wherever its files are.
	DataSHA256 *DataSums      `json:"data_sha256,omitempty"`
	Augment    augment.Params `json:"augment"` // all zero: trained on undistorted images
	Schedule   graph.Schedule `json:"lr_schedule"`
	Dataset    string         `json:"dataset,omitempty"` // "mnist" (when empty) or "fashion"
	// Validation are the training images held out to choose the best epoch; nil: none,
	// the run's model is its last epoch.
	Validation *Validation `json:"validation,omitempty"`
	// Tune is set when the run continued a trained model on a user's pictures (lenet
	// train --from MODEL --images DIR) instead of training from drawn weights; its
	// Validation then lists the pictures held out, by their place in the folder.
	Tune *Tuning `json:"tune,omitempty"`
}

// Tuning records what a run that continued a model learnt from: the model, the user's
// pictures and how they were mixed with the data set's training images.
type Tuning struct {
	From   string  `json:"from"`   // "builtin", or the run or checkpoint folder as given
	Member int     `json:"member"` // the committee member this network continues, from 1; 0 for a lone network
	Images string  `json:"images"` // the folder of labelled pictures, as given
	Hold   float64 `json:"hold"`   // the share of each digit's pictures held out
	Copies int     `json:"copies"` // each training picture's appearances an epoch
	Mix    int     `json:"mix"`    // the data set's training images an epoch, drawn once by the seed
	// Kept are the training images the model continued held out (its manifest's
	// Validation, nil if none): never mixed in, so that they still tell what it forgot.
	Kept *Validation `json:"kept,omitempty"`
	// Temperature is the model's (a committee's, also in its members' checkpoints):
	// kept, because the pictures held out are too few to fit one.
	Temperature float64 `json:"temperature"`
}

// Validation records the training images a run held out (dataset.Set.HoldOut).
type Validation struct {
	Count  int    `json:"count"`
	Seed   uint64 `json:"seed"`   // drew them
	Images string `json:"images"` // their indices among the training images, ascending, separated by spaces
}

// DataSums are a run's data by checksum.
type DataSums struct {
	Train string `json:"train"`
	Test  string `json:"test"`
}

// Metrics are the figures of the epoch the checkpoint was taken at.
type Metrics struct {
	TrainCost     float64 `json:"train_cost"`
	TrainAccuracy float64 `json:"train_accuracy"`
	ValCost       float64 `json:"val_cost,omitempty"`     // mean cross-entropy on the held-out training images
	ValAccuracy   float64 `json:"val_accuracy,omitempty"` // on them
	TestAccuracy  float64 `json:"test_accuracy"`
	Seconds       float64 `json:"seconds"`
}

// File is one tensor's .npy file.
type File struct {
	Name   string `json:"name"`
	Tensor string `json:"tensor"`
	Shape  []int  `json:"shape"`
	SHA256 string `json:"sha256"`
}

// Save writes p and m as a new checkpoint folder dir, which must not exist yet: the
// files go into a temporary folder beside it, which is renamed to dir when complete.
// m's Format, Version, Dtype and Files are filled in, and m.Resume's Files when adam
// is given. A checkpoint with a weight that is not finite is refused.
func Save(dir string, p *graph.Params, m Manifest, adam *AdamState) error {
	layout := p.Arch.Layout()
	if err := finite(p.Learnables(), layout); err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	return writeFolder(dir, func(tmp string) error {
		var err error
		m.Format, m.Version, m.Dtype = Format, Version, p.Dtype.String()
		if m.Files, err = writeTensors(tmp, p.Learnables(), layout, "", p.Dtype); err != nil {
			return err
		}
		if adam != nil && m.Resume != nil {
			mf, err := writeTensors(tmp, adam.M, layout, "adam_m_", p.Dtype)
			if err != nil {
				return err
			}
			vf, err := writeTensors(tmp, adam.V, layout, "adam_v_", p.Dtype)
			if err != nil {
				return err
			}
			r := *m.Resume
			r.Files = append(mf, vf...)
			m.Resume = &r
		}
		js, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return fmt.Errorf("save manifest: %w", err)
		}
		return writeSynced(filepath.Join(tmp, ManifestName), append(js, '\n'))
	})
}

// writeFolder creates dir atomically: fill writes into a temporary folder beside it,
// which is renamed to dir once fill succeeds.
func writeFolder(dir string, fill func(tmp string) error) error {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("save %s: %w", dir, fs.ErrExist)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // nothing left once renamed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	return syncDir(filepath.Dir(dir))
}

// writeTensors writes ts, which follow layout (an Arch's Layout), converted to dtype,
// into dir as files named prefix + the layout's name + .npy.
func writeTensors(dir string, ts []*tensor.Dense, layout []graph.Spec, prefix string, dtype tensor.Dtype) ([]File, error) {
	if len(ts) != len(layout) {
		return nil, fmt.Errorf("save: %d tensors (expected %d)", len(ts), len(layout))
	}
	var files []File
	for i, spec := range layout {
		if !ts[i].Shape().Eq(spec.Shape) {
			return nil, fmt.Errorf("save %s: shape %v (expected %v)", spec.Name, ts[i].Shape(), spec.Shape)
		}
		data, err := EncodeNpy(toArray(ts[i], dtype))
		if err != nil {
			return nil, fmt.Errorf("save %s: %w", spec.Name, err)
		}
		name := prefix + spec.Name + ".npy"
		if err := writeSynced(filepath.Join(dir, name), data); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		files = append(files, File{Name: name, Tensor: prefix + spec.Name, Shape: spec.Shape.Clone(), SHA256: hex.EncodeToString(sum[:])})
	}
	return files, nil
}

// LoadAdam reads the Adam moments of a checkpoint loaded from dir with manifest m; it
// returns nil when the checkpoint was written before Adam's first step.
func LoadAdam(dir string, m *Manifest, dtype tensor.Dtype) (*AdamState, error) {
	return loadAdamFS(os.DirFS(dir), dir, m, dtype)
}

func loadAdamFS(fsys fs.FS, dir string, m *Manifest, dtype tensor.Dtype) (*AdamState, error) {
	if m.Resume != nil && m.Resume.AdamSteps == 0 && len(m.Resume.Files) == 0 {
		return nil, nil
	}
	layout := m.Arch.Layout()
	if m.Resume == nil || len(m.Resume.Files) != 2*len(layout) {
		return nil, fmt.Errorf("%s: %w: no Adam state to resume from", filepath.Join(dir, ManifestName), ErrManifest)
	}
	st := &AdamState{}
	for k, f := range m.Resume.Files {
		spec := layout[k%len(layout)]
		prefix := map[bool]string{true: "adam_m_", false: "adam_v_"}[k < len(layout)]
		if f.Name != prefix+spec.Name+".npy" || !slices.Equal(f.Shape, []int(spec.Shape)) {
			return nil, fmt.Errorf("%s: %w: resume file %d is %s %v (expected %s%s.npy %v)", filepath.Join(dir, ManifestName), ErrManifest, k, f.Name, f.Shape, prefix, spec.Name, spec.Shape)
		}
		t := tensor.New(tensor.Of(dtype), tensor.WithShape(spec.Shape.Clone()...))
		if err := loadTensor(fsys, f.Name, filepath.Join(dir, f.Name), f.SHA256, t); err != nil {
			return nil, err
		}
		if k < len(layout) {
			st.M = append(st.M, t)
		} else {
			st.V = append(st.V, t)
		}
	}
	return st, nil
}

// finite reports an error if any value of ts, which follow layout, is NaN or infinite.
func finite(ts []*tensor.Dense, layout []graph.Spec) error {
	for i, t := range ts {
		switch d := t.Data().(type) {
		case []float32:
			for _, v := range d {
				if v != v || math.IsInf(float64(v), 0) {
					return fmt.Errorf("%s holds %g: refusing to save a diverged model", layout[i].Name, v)
				}
			}
		case []float64:
			for _, v := range d {
				if v != v || math.IsInf(v, 0) {
					return fmt.Errorf("%s holds %g: refusing to save a diverged model", layout[i].Name, v)
				}
			}
		}
	}
	return nil
}

// Load reads the checkpoint in dir, checking the format version, architecture, dtype,
// every file's SHA-256 and every tensor's shape.
func Load(dir string) (*graph.Params, *Manifest, error) {
	return LoadFS(os.DirFS(dir), dir)
}

// LoadFS is Load on the checkpoint at the root of fsys (an embedded one, say); dir
// names it in errors. A committee's folder is ErrCommittee, with its manifest.
func LoadFS(fsys fs.FS, dir string) (*graph.Params, *Manifest, error) {
	mpath := filepath.Join(dir, ManifestName)
	js, err := readBoundedFS(fsys, ManifestName, mpath)
	if err != nil {
		return nil, nil, fmt.Errorf("load checkpoint %s: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, nil, fmt.Errorf("%s: %w: %v", mpath, ErrManifest, err)
	}
	if m.Format != Format || m.Version != Version {
		return nil, nil, fmt.Errorf("%s: %w: format %q version %d (expected %q version %d)", mpath, ErrVersion, m.Format, m.Version, Format, Version)
	}
	if err := m.Arch.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w: %v", mpath, ErrVersion, err)
	}
	if len(m.Members) > 0 {
		return nil, &m, fmt.Errorf("%s: %w: a committee of %d networks, not one (commands and checkpoints.Open load it whole)", mpath, ErrCommittee, len(m.Members))
	}
	dtype, ok := map[string]tensor.Dtype{"float32": tensor.Float32, "float64": tensor.Float64}[m.Dtype]
	if !ok {
		return nil, nil, fmt.Errorf("%s: %w: dtype %q (expected float32 or float64)", mpath, ErrManifest, m.Dtype)
	}
	p, err := graph.ZeroParams(m.Arch, dtype)
	if err != nil {
		return nil, nil, err
	}
	layout := m.Arch.Layout()
	if len(m.Files) != len(layout) {
		return nil, nil, fmt.Errorf("%s: %w: %d files listed (expected %d)", mpath, ErrManifest, len(m.Files), len(layout))
	}
	for i, spec := range layout {
		f := m.Files[i]
		if f.Tensor != spec.Name || f.Name != spec.Name+".npy" || !slices.Equal(f.Shape, []int(spec.Shape)) {
			return nil, nil, fmt.Errorf("%s: %w: file %d is %s %s %v (expected %s.npy, %s %v)", mpath, ErrManifest, i, f.Name, f.Tensor, f.Shape, spec.Name, spec.Name, spec.Shape)
		}
		if err := loadTensor(fsys, f.Name, filepath.Join(dir, f.Name), f.SHA256, p.Learnables()[i]); err != nil {
			return nil, nil, err
		}
	}
	return p, &m, nil
}

// loadTensor reads name from fsys (path in errors), checks its hash, and copies its
// values into t.
func loadTensor(fsys fs.FS, name, path, sha string, t *tensor.Dense) error {
	data, err := readBoundedFS(fsys, name, path)
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
		return fmt.Errorf("%s: %w: SHA-256 %x, manifest says %s", path, ErrCorrupt, sum, sha)
	}
	a, err := DecodeNpy(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !slices.Equal(a.Shape, []int(t.Shape())) {
		return fmt.Errorf("%s: %w: shape %v (expected %v)", path, ErrCorrupt, a.Shape, t.Shape())
	}
	switch d := t.Data().(type) {
	case []float32:
		if a.F32 == nil {
			return fmt.Errorf("%s: %w: float64 data in a float32 checkpoint", path, ErrCorrupt)
		}
		copy(d, a.F32)
	case []float64:
		if a.F64 == nil {
			return fmt.Errorf("%s: %w: float32 data in a float64 checkpoint", path, ErrCorrupt)
		}
		copy(d, a.F64)
	}
	return nil
}

// toArray returns t's values as an Array of dtype, converting when needed.
func toArray(t *tensor.Dense, dtype tensor.Dtype) Array {
	a := Array{Shape: t.Shape().Clone()}
	switch d := t.Data().(type) {
	case []float32:
		if a.F32 = d; dtype == tensor.Float64 {
			a.F32, a.F64 = nil, convert[float32, float64](d)
		}
	case []float64:
		if a.F64 = d; dtype == tensor.Float32 {
			a.F64, a.F32 = nil, convert[float64, float32](d)
		}
	}
	return a
}

// readBounded reads a whole file of at most maxFileSize bytes.
func readBounded(path string) ([]byte, error) {
	return readBoundedFS(nil, path, path)
}

// readBoundedFS is readBounded on name in fsys (the OS when nil); path names it in
// errors.
func readBoundedFS(fsys fs.FS, name, path string) ([]byte, error) {
	var f fs.File
	var err error
	if fsys == nil {
		f, err = os.Open(path)
	} else {
		f, err = fsys.Open(name)
	}
	if err != nil {
		var pe *fs.PathError
		if fsys != nil && errors.As(err, &pe) {
			err = &fs.PathError{Op: pe.Op, Path: path, Err: pe.Err}
		}
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("read %s: %w: larger than %d bytes", path, ErrCorrupt, maxFileSize)
	}
	return data, nil
}

// writeSynced writes data to a new file and flushes it to disk.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
