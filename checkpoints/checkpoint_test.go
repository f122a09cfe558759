package checkpoints

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

func randomImages(n int) []float32 {
	rng := rand.New(rand.NewPCG(4, 4))
	x := make([]float32, n*dataset.Pixels)
	for i := range x {
		x[i] = rng.Float32()
	}
	return x
}

func probabilities(t *testing.T, p *graph.Params, x []float32) []float64 {
	t.Helper()
	ev, err := graph.NewEvaluator(p, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	probs, err := ev.Probabilities(x)
	if err != nil {
		t.Fatal(err)
	}
	return probs
}

func TestRoundTrip(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		p, err := graph.NewParams(dt, 3)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "ck")
		m := Manifest{Arch: graph.SeedArch, Epoch: 4, Hyper: Hyper{Epochs: 20, Batch: 64, Adam: graph.DefaultAdam, Seed: 3}, Metrics: Metrics{TestAccuracy: 0.5}}
		if err := Save(dir, p, m, nil); err != nil {
			t.Fatal(err)
		}
		q, got, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got.Epoch != 4 || got.Hyper != m.Hyper || got.Dtype != dt.String() || got.Metrics != m.Metrics {
			t.Fatalf("%v: manifest came back as %+v", dt, got)
		}
		for i := range graph.SeedArch.Layout() {
			a, b := p.Learnables()[i].Data(), q.Learnables()[i].Data()
			switch a := a.(type) {
			case []float32:
				if !slices.Equal(a, b.([]float32)) {
					t.Fatalf("%v: %s differs after the round trip", dt, graph.SeedArch.Layout()[i].Name)
				}
			case []float64:
				if !slices.Equal(a, b.([]float64)) {
					t.Fatalf("%v: %s differs after the round trip", dt, graph.SeedArch.Layout()[i].Name)
				}
			}
		}
		x := randomImages(10) // 10 images in batches of 7: one partial batch
		if !slices.Equal(probabilities(t, p, x), probabilities(t, q, x)) {
			t.Fatalf("%v: loaded model predicts differently", dt)
		}
		if err := Save(dir, p, m, nil); err == nil {
			t.Fatal("Save over an existing checkpoint succeeded")
		}
	}
}

func saved(t *testing.T) string {
	t.Helper()
	p, _ := graph.NewParams(tensor.Float32, 1)
	dir := filepath.Join(t.TempDir(), "ck")
	if err := Save(dir, p, Manifest{Arch: graph.SeedArch}, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadRefusesDamage(t *testing.T) {
	edit := func(name string, f func([]byte) []byte) func(string) {
		return func(dir string) {
			p := filepath.Join(dir, name)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f(b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	replace := func(old, new string) func([]byte) []byte {
		return func(b []byte) []byte { return []byte(strings.Replace(string(b), old, new, 1)) }
	}
	cases := []struct {
		name   string
		damage func(string)
		want   error
		says   string
	}{
		{"flipped byte", edit("c3_kernels.npy", func(b []byte) []byte { b[len(b)-3] ^= 1; return b }), ErrCorrupt, "c3_kernels.npy"},
		{"truncated", edit("f5_weights.npy", func(b []byte) []byte { return b[:100] }), ErrCorrupt, "f5_weights.npy"},
		{"missing file", func(d string) { os.Remove(filepath.Join(d, "f7_biases.npy")) }, os.ErrNotExist, "f7_biases.npy"},
		{"newer version", edit(ManifestName, replace(`"version": 1`, `"version": 2`)), ErrVersion, "version 2 (expected"},
		{"other architecture", edit(ManifestName, replace(`"sigmoid"`, `"swish"`)), ErrVersion, "swish"},
		{"wrong shape", edit(ManifestName, replace(`120`, `121`)), ErrManifest, "121"},
		{"bad dtype", edit(ManifestName, replace(`"float32"`, `"int8"`)), ErrManifest, "int8"},
		{"not json", edit(ManifestName, replace(`{`, `[`)), ErrManifest, ManifestName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := saved(t)
			c.damage(dir)
			_, _, err := Load(dir)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want %v mentioning %q", err, c.want, c.says)
			}
		})
	}
}

func TestNpy(t *testing.T) {
	for _, a := range []Array{
		{Shape: []int{2, 3}, F32: []float32{1, 2, 3, 4, 5, -6.5}},
		{Shape: []int{3}, F64: []float64{1e-300, 0, -1}},
	} {
		b, err := EncodeNpy(a)
		if err != nil {
			t.Fatal(err)
		}
		hlen := int(b[8]) | int(b[9])<<8
		if (10+hlen)%64 != 0 || b[10+hlen-1] != '\n' {
			t.Fatalf("header of %d bytes is not 64-aligned and newline-terminated", hlen)
		}
		got, err := DecodeNpy(b)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Shape, a.Shape) || !slices.Equal(got.F32, a.F32) || !slices.Equal(got.F64, a.F64) {
			t.Fatalf("round trip gave %+v, want %+v", got, a)
		}
	}
	good, _ := EncodeNpy(Array{Shape: []int{2}, F32: []float32{1, 2}})
	bad := map[string][]byte{
		"short":     good[:5],
		"extra":     append(append([]byte{}, good...), 0),
		"huge":      []byte(strings.Replace(string(good), "(2,)", "(99999999999,)", 1)),
		"big-end":   []byte(strings.Replace(string(good), "<f4", ">f4", 1)),
		"fortran":   []byte(strings.Replace(string(good), "False", "True ", 1)),
		"version 9": append([]byte(npyMagic+"\x09"), good[7:]...),
	}
	for name, b := range bad {
		if _, err := DecodeNpy(b); !errors.Is(err, ErrNpy) {
			t.Errorf("%s: got %v, want ErrNpy", name, err)
		}
	}
}

func TestRunFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := PrepareRun(dir); err != nil {
		t.Fatal(err)
	}
	p, _ := graph.NewParams(tensor.Float32, 1)
	for epoch, best := range []bool{true, false, true, false} {
		m := Manifest{Arch: graph.SeedArch, Epoch: epoch + 1}
		if err := SaveEpoch(dir, p, m, nil, best); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"best", "epoch-003", "epoch-004", "latest"}; !slices.Equal(names, want) {
		t.Fatalf("run folder holds %v, want %v", names, want)
	}
	resolved, err := Resolve(dir)
	if err != nil || resolved != filepath.Join(dir, BestLink) {
		t.Fatalf("Resolve(run) = %s, %v", resolved, err)
	}
	if _, m, err := Load(resolved); err != nil || m.Epoch != 3 {
		t.Fatalf("best is epoch %v (%v), want 3", m, err)
	}
	if err := PrepareRun(dir); !errors.Is(err, ErrRunExists) {
		t.Fatalf("PrepareRun on a used folder: %v", err)
	}
	// Killed after epoch 5's folder was in place and before latest named it: the run
	// resumes from epoch 4 and saves epoch 5 again.
	m := Manifest{Arch: graph.SeedArch, Epoch: 5}
	if err := Save(filepath.Join(dir, "epoch-005"), p, m, nil); err != nil {
		t.Fatal(err)
	}
	if err := SaveEpoch(dir, p, m, nil, false); err != nil {
		t.Fatalf("saving epoch 5 again after a kill: %v", err)
	}
	if target, err := os.Readlink(filepath.Join(dir, LatestLink)); err != nil || target != "epoch-005" {
		t.Fatalf("latest names %q (%v), want epoch-005", target, err)
	}
}

func TestAdamStateAndDivergence(t *testing.T) {
	p, _ := graph.NewParams(tensor.Float32, 2)
	q, _ := graph.NewParams(tensor.Float32, 3) // any tensors of the right shapes
	r, _ := graph.NewParams(tensor.Float32, 4)
	dir := filepath.Join(t.TempDir(), "ck")
	m := Manifest{Arch: graph.SeedArch, Epoch: 2, Resume: &Resume{Batch: 7, AdamSteps: 99, CostSum: 1.5, Correct: 3}}
	if err := Save(dir, p, m, &AdamState{M: q.Learnables(), V: r.Learnables()}); err != nil {
		t.Fatal(err)
	}
	_, got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := LoadAdam(dir, got, tensor.Float32)
	if err != nil {
		t.Fatal(err)
	}
	if got.Resume.AdamSteps != 99 || got.Resume.Batch != 7 || !slices.Equal(st.M[4].Data().([]float32), q.Learnables()[4].Data().([]float32)) || !slices.Equal(st.V[9].Data().([]float32), r.Learnables()[9].Data().([]float32)) {
		t.Fatalf("Adam state did not round-trip: %+v", got.Resume)
	}
	os.WriteFile(filepath.Join(dir, "adam_v_f5_weights.npy"), []byte("junk"), 0o644)
	if _, err := LoadAdam(dir, got, tensor.Float32); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("corrupt moment file: %v", err)
	}
	p.F6Biases.Data().([]float32)[3] = float32(math.NaN())
	if err := Save(filepath.Join(t.TempDir(), "nan"), p, m, nil); err == nil || !strings.Contains(err.Error(), "f6_biases holds NaN") {
		t.Fatalf("saving NaN weights: %v", err)
	}
}
