package checkpoints

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

// Export writes p's tensors as .npy files of dtype (float32 or float64) into a new
// folder dir, named as in graph.Layout, for NumPy code.
func Export(dir string, p *graph.Params, dtype tensor.Dtype) error {
	if dtype != tensor.Float32 && dtype != tensor.Float64 {
		return fmt.Errorf("export: dtype %v (expected float32 or float64)", dtype)
	}
	return writeFolder(dir, func(tmp string) error {
		_, err := writeTensors(tmp, p.T[:], "", dtype)
		return err
	})
}

// LoadNpy reads a folder of .npy files named as in graph.Layout, as Export writes them
// or NumPy code might: all float32 or all float64, of the Layout's shapes.
func LoadNpy(dir string) (*graph.Params, error) {
	arrays := make([]Array, len(graph.Layout))
	for i, spec := range graph.Layout {
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
			return nil, fmt.Errorf("%s: %w: dtype differs from %s.npy's (expected all float32 or all float64)", path, ErrNpy, graph.Layout[0].Name)
		}
	}
	dtype := tensor.Float64
	if arrays[0].F32 != nil {
		dtype = tensor.Float32
	}
	p, err := graph.ZeroParams(dtype)
	if err != nil {
		return nil, err
	}
	for i, a := range arrays {
		if dtype == tensor.Float32 {
			copy(p.T[i].Data().([]float32), a.F32)
		} else {
			copy(p.T[i].Data().([]float64), a.F64)
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
