package checkpoints

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

// ArchName is the file in an exported folder that names the architecture (activation,
// pooling and class count) as JSON, for NumPy code and LoadNpy; a folder without it is
// the seed's.
const ArchName = "arch.json"

// Export writes p's tensors as .npy files of dtype (float32 or float64) into a new
// folder dir, named as in p.Arch's Layout, for NumPy code, with p's architecture in
// ArchName.
func Export(dir string, p *graph.Params, dtype tensor.Dtype) error {
	if dtype != tensor.Float32 && dtype != tensor.Float64 {
		return fmt.Errorf("export: dtype %v (expected float32 or float64)", dtype)
	}
	arch, err := json.MarshalIndent(p.Arch, "", "  ")
	if err != nil {
		return err
	}
	return writeFolder(dir, func(tmp string) error {
		if _, err := writeTensors(tmp, p.Learnables(), p.Arch.Layout(), "", dtype); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, ArchName), append(arch, '\n'), 0o644)
	})
}

// CommitteeName is the file of an exported committee that lists its members' folders
// and its temperature, for NumPy code (numpy_forward.py averages them).
const CommitteeName = "committee.json"

// ExportModel is Export for m, one network or a committee: a committee's members go
// into subfolders member-K of dir, listed in CommitteeName with its temperature.
func ExportModel(dir string, m *Model, dtype tensor.Dtype) error {
	if len(m.Members) == 0 {
		return Export(dir, m.Params, dtype)
	}
	spec := struct {
		Members     []string `json:"members"`
		Temperature float64  `json:"temperature"`
	}{Temperature: 1}
	if m.Temperature > 0 {
		spec.Temperature = m.Temperature
	}
	return writeFolder(dir, func(tmp string) error {
		for i, mem := range m.Members {
			name := fmt.Sprintf("member-%d", i+1)
			if err := Export(filepath.Join(tmp, name), mem.Params, dtype); err != nil {
				return err
			}
			spec.Members = append(spec.Members, name)
		}
		js, err := json.MarshalIndent(spec, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, CommitteeName), append(js, '\n'), 0o644)
	})
}

// loadNpyModel reads an exported folder: one network's .npy files, or a committee's
// (CommitteeName and a folder a member).
func loadNpyModel(dir string) (*Model, error) {
	js, err := readBounded(filepath.Join(dir, CommitteeName))
	if errors.Is(err, fs.ErrNotExist) {
		p, err := LoadNpy(dir)
		if err != nil {
			return nil, err
		}
		return &Model{Params: p, Name: fmt.Sprintf("%s (.npy, %v, %s)", dir, p.Arch, p.Dtype)}, nil
	}
	if err != nil {
		return nil, err
	}
	var spec struct {
		Members     []string `json:"members"`
		Temperature float64  `json:"temperature"`
	}
	path := filepath.Join(dir, CommitteeName)
	if err := json.Unmarshal(js, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrManifest, err)
	}
	if len(spec.Members) == 0 || len(spec.Members) > MaxMembers || !(spec.Temperature > 0) {
		return nil, fmt.Errorf("%s: %w: %d members (expected 1 to %d), temperature %v (expected above 0)", path, ErrManifest, len(spec.Members), MaxMembers, spec.Temperature)
	}
	m := &Model{Temperature: spec.Temperature}
	for _, name := range spec.Members {
		if !fs.ValidPath(name) || strings.Contains(name, "/") || name == "." {
			return nil, fmt.Errorf("%s: %w: member %q (expected a subfolder's name)", path, ErrManifest, name)
		}
		p, err := LoadNpy(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		m.Members = append(m.Members, &Model{Params: p})
	}
	m.Params = m.Members[0].Params
	m.Name = fmt.Sprintf("%s (.npy, committee of %d %v, %s)", dir, len(m.Members), m.Params.Arch, m.Params.Dtype)
	return m, nil
}

// LoadNpy reads a folder of .npy files named as in graph's Layout, as Export writes them
// or NumPy code might: all float32 or all float64, of the shapes of the architecture in
// ArchName (the seed's without it).
func LoadNpy(dir string) (*graph.Params, error) {
	arch := graph.SeedArch
	apath := filepath.Join(dir, ArchName)
	if js, err := readBounded(apath); err == nil {
		if err := json.Unmarshal(js, &arch); err != nil {
			return nil, fmt.Errorf("%s: %w: %v", apath, ErrManifest, err)
		}
		if err := arch.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", apath, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load .npy folder: %w", err)
	}
	layout := arch.Layout()
	arrays := make([]Array, len(layout))
	for i, spec := range layout {
		path := filepath.Join(dir, spec.Name+".npy")
		data, err := readBounded(path)
		if err != nil {
			return nil, fmt.Errorf("load .npy folder: %w", err)
		}
		if arrays[i], err = DecodeNpy(data); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if !slices.Equal(arrays[i].Shape, []int(spec.Shape)) {
			return nil, fmt.Errorf("%s: %w: shape %v (expected %v)", path, ErrNpy, arrays[i].Shape, spec.Shape)
		}
		if (arrays[i].F32 == nil) != (arrays[0].F32 == nil) {
			return nil, fmt.Errorf("%s: %w: dtype differs from %s.npy's (expected all float32 or all float64)", path, ErrNpy, layout[0].Name)
		}
	}
	dtype := tensor.Float64
	if arrays[0].F32 != nil {
		dtype = tensor.Float32
	}
	p, err := graph.ZeroParams(arch, dtype)
	if err != nil {
		return nil, err
	}
	for i, a := range arrays {
		if dtype == tensor.Float32 {
			copy(p.Learnables()[i].Data().([]float32), a.F32)
		} else {
			copy(p.Learnables()[i].Data().([]float64), a.F64)
		}
	}
	return p, nil
}

func convert[T, U float32 | float64](src []T) []U {
	dst := make([]U, len(src))
	for i, v := range src {
		dst[i] = U(v)
	}
	return dst
}
