package lenet

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// layers is doc.go's map: each package's layer, from the bottom (1) up.
var layers = map[string]int{
	"dataset": 1, "graph/kernels": 1, "internal/atomicfile": 1, "internal/bounds": 1, "internal/suggest": 1, "internal/buildinfo": 1, "internal/ordered": 1, "internal/knobs": 1,
	"graph/ops": 2, "graph/openblas": 2, "augment": 2, "preprocess": 2, "report": 2, "render": 2, "internal/chart": 2,
	"graph":       3,
	"checkpoints": 4,
	"train":       5, "onnx": 5, "reader": 5,
	"serve": 6, "robust": 6,
	"cmd/lenet": 7, "internal/tools/writenumbers": 7, "internal/tools/readload": 7, "internal/tools/writer": 7,
	"internal/tune": 7, "internal/tools/tune": 8,
}

const module = "github.com/lenet/lenet/"

// TestLayers fails when a package's non-test file (under any build tag) imports a
// package of its own layer or one above, or when a package is missing from the map.
func TestLayers(t *testing.T) {
	imports := moduleImports(t)
	if len(imports) != len(layers) {
		t.Errorf("found %d packages, the map has %d", len(imports), len(layers))
	}
	for _, v := range violations(imports, layers) {
		t.Error(v)
	}
}

// TestLayersCatchesAnUpwardImport checks the check: with graph put in graph/ops's layer,
// graph's import of graph/ops must be refused, and a package left out of the map too.
func TestLayersCatchesAnUpwardImport(t *testing.T) {
	imports := moduleImports(t)
	moved := maps.Clone(layers)
	moved["graph"] = moved["graph/ops"]
	delete(moved, "report")
	var sideways, missing bool
	for _, v := range violations(imports, moved) {
		sideways = sideways || strings.HasPrefix(v, "graph (layer 2) imports graph/ops (layer 2)")
		missing = missing || strings.HasPrefix(v, "package report is in no layer")
	}
	if !sideways || !missing {
		t.Fatalf("a sideways import found: %v, a package missing from the map found: %v", sideways, missing)
	}
}

// TestThinCommand holds cmd/lenet to flags, help texts and presentation: at most 1,150
// lines of non-test code, the rest in the library where other programs can use it. (It
// was 1,000 until the photos issue: predict, test --images and read now go on past a
// file they cannot read and say which, and their help says so; that is presentation,
// and its logic, the misses in a report, is in package report. 1,050 until train
// --from --images: its five flags, their help, the flags it cannot take and the line
// the draw page shows; the tuning itself is package train's. 1,120 until predict asked
// the reader's gate: a second model to open and run, three lines of help; what it says
// is reader.NotADigitSaid's. 1,140 until the --flag and --close4 distortions: a
// flag line each; the drawing is package augment's.)
func TestThinCommand(t *testing.T) {
	files, err := filepath.Glob("cmd/lenet/*.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines += bytes.Count(b, []byte("\n"))
	}
	if lines < 100 || lines > 1150 {
		t.Fatalf("cmd/lenet has %d lines of non-test code (expected at most 1,150; fewer than 100 means the files were not found)", lines)
	}
}

// violations lists the imports that do not point down in layers, and the packages it
// does not place.
func violations(imports map[string]map[string]string, layers map[string]int) []string {
	var out []string
	for pkg, deps := range imports {
		layer, ok := layers[pkg]
		if !ok {
			out = append(out, fmt.Sprintf("package %s is in no layer: add it to doc.go and layers_test.go", pkg))
			continue
		}
		for dep, file := range deps {
			if l, ok := layers[dep]; !ok || l >= layer {
				out = append(out, fmt.Sprintf("%s (layer %d) imports %s (layer %d) in %s: imports must point down", pkg, layer, dep, l, file))
			}
		}
	}
	return out
}

// moduleImports reads every non-test Go file of the module: for each package (its
// folder), the module packages it imports, with a file that does.
func moduleImports(t *testing.T) map[string]map[string]string {
	imports := map[string]map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			return nil // this package: the map itself
		}
		if imports[pkg] == nil {
			imports[pkg] = map[string]string{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if dep, ok := strings.CutPrefix(p, module); ok {
				imports[pkg][dep] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return imports
}
