package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadIDX feeds arbitrary bytes to both IDX readers: they must never panic or hang,
// never allocate more than the data holds, and either return consistent data or an error
// that names the file.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxFile(magicImages, []uint32{2, 3, 3}, make([]byte, 18)))
	f.Add(idxFile(magicLabels, []uint32{3}, []byte{1, 2, 9}))
	f.Add(idxFile(magicImages, []uint32{1 << 30, 1 << 12, 1 << 12}, nil))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, gz := range []bool{false, true} {
			body := data
			if gz {
				body = gzipped(t, data)
			}
			path := filepath.Join(dir, "fuzz.idx")
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			im, err := ReadImages(path)
			if err == nil && len(im.Pixels) != im.Count*im.Rows*im.Cols {
				t.Fatalf("%d pixels for %d images of %dx%d", len(im.Pixels), im.Count, im.Rows, im.Cols)
			}
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			labels, err := ReadLabels(path, Digits)
			for _, l := range labels {
				if err == nil && l >= Digits {
					t.Fatalf("label %d accepted", l)
				}
			}
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
	})
}
