package graph

import (
	"debug/buildinfo"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestGorgoniaPinned builds a program that links this package and fails when the
// gorgonia it records (debug.ReadBuildInfo's data, read from the binary) is not the
// release graph/tape.go's go:linkname call to tapeMachine.runall was checked against: a
// changed signature would still link and corrupt memory. Test binaries record no
// dependencies, hence the build.
func TestGorgoniaPinned(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "pinprobe")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/pinprobe").CombinedOutput(); err != nil {
		t.Fatalf("go build ./graph/testdata/pinprobe: %v\n%s", err, out)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkGorgonia(info, true); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "2" {
		t.Errorf("pinprobe: %v, %q; want 2", err, out)
	}
}

// TestGorgoniaPinCatchesOthers feeds checkGorgonia the build information of other
// builds: another release, replacements, none at all.
func TestGorgoniaPinCatchesOthers(t *testing.T) {
	mod := func(v string, replace *debug.Module) *debug.BuildInfo {
		return &debug.BuildInfo{Deps: []*debug.Module{
			{Path: "gonum.org/v1/gonum", Version: checkedGorgonia},
			{Path: "gorgonia.org/gorgonia", Version: v, Replace: replace},
		}}
	}
	for _, c := range []struct {
		name string
		info *debug.BuildInfo
	}{
		{"another release", mod("v0.9.19", nil)},
		{"replaced by a local folder", mod(checkedGorgonia, &debug.Module{Path: "../gorgonia"})},
		{"replaced by another release", mod(checkedGorgonia, &debug.Module{Path: "gorgonia.org/gorgonia", Version: "v0.9.17"})},
		{"not a dependency", &debug.BuildInfo{}},
	} {
		err := checkGorgonia(c.info, true)
		if err == nil || !strings.Contains(err.Error(), "graph/tape.go") {
			t.Errorf("%s: got %v, want an error naming graph/tape.go", c.name, err)
		}
	}
	if err := checkGorgonia(mod(checkedGorgonia, &debug.Module{Path: "gorgonia.org/gorgonia", Version: checkedGorgonia}), true); err != nil {
		t.Errorf("a replacement by the checked release: %v", err)
	}
	if err := checkGorgonia(&debug.BuildInfo{}, false); err != nil {
		t.Errorf("a test binary's build information: %v", err)
	}
}
