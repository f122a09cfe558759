package checkpoints

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

// FuzzDecodeNpy: any bytes either decode to an array whose data fills its shape, or fail
// with ErrNpy; never a panic or an allocation the data does not back.
func FuzzDecodeNpy(f *testing.F) {
	good, _ := EncodeNpy(Array{Shape: []int{2, 3}, F32: []float32{1, 2, 3, 4, 5, 6}})
	f.Add(good)
	g64, _ := EncodeNpy(Array{Shape: []int{1}, F64: []float64{1}})
	f.Add(g64)
	f.Add([]byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr': '<f4', 'fortran_order': False, 'shape': (9999999999,), }"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeNpy(data)
		if err != nil {
			return
		}
		n := product(a.Shape)
		if (a.F32 == nil) == (a.F64 == nil) || (a.F32 != nil && len(a.F32) != n) || (a.F64 != nil && len(a.F64) != n) {
			t.Fatalf("shape %v with %d float32 and %d float64 values", a.Shape, len(a.F32), len(a.F64))
		}
	})
}

// FuzzLoad replaces a valid checkpoint's manifest and one tensor file with fuzzed bytes:
// Load must return an error or a model of exactly the Layout's shapes. The checkpoint is
// in memory (LoadFS, which Load calls on the folder), so that a million inputs take
// minutes, not days of disk writes.
func FuzzLoad(f *testing.F) {
	p, _ := graph.NewParams(tensor.Float32, 1)
	seed := filepath.Join(f.TempDir(), "seed")
	if err := Save(seed, p, Manifest{Arch: graph.SeedArch, Epoch: 1}, nil); err != nil {
		f.Fatal(err)
	}
	files := fstest.MapFS{}
	for _, spec := range graph.SeedArch.Layout() {
		data, err := os.ReadFile(filepath.Join(seed, spec.Name+".npy"))
		if err != nil {
			f.Fatal(err)
		}
		files[spec.Name+".npy"] = &fstest.MapFile{Data: data}
	}
	manifest, _ := os.ReadFile(filepath.Join(seed, ManifestName))
	npy := files["f7_biases.npy"].Data
	f.Add(manifest, npy)
	f.Add([]byte(`{"format":"lenet-checkpoint","version":1,"dtype":"float64","files":[]}`), npy)
	f.Add(manifest, []byte("\x93NUMPY\x01\x00"))
	f.Fuzz(func(t *testing.T, manifest, npy []byte) {
		fsys := maps.Clone(files)
		fsys[ManifestName] = &fstest.MapFile{Data: manifest}
		fsys["f7_biases.npy"] = &fstest.MapFile{Data: npy}
		q, m, err := LoadFS(fsys, "fuzzed")
		if err != nil {
			return
		}
		for i, spec := range graph.SeedArch.Layout() {
			if !slices.Equal([]int(q.Learnables()[i].Shape()), []int(spec.Shape)) {
				t.Fatalf("%s loaded with shape %v", spec.Name, q.Learnables()[i].Shape())
			}
		}
		if m.Resume != nil {
			loadAdamFS(fsys, "fuzzed", m, q.Dtype) // must not panic either
		}
	})
}
