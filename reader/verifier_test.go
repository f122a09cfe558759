package reader

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltinVerifier: the built-in verifier names no folder of the machine that made
// it, and a reader refuses cutting it cannot use.
func TestBuiltinVerifier(t *testing.T) {
	v, err := BuiltinVerifier()
	if err != nil {
		t.Fatal(err)
	}
	h := v.Manifest.Hyper
	if filepath.IsAbs(h.Data) || strings.Contains(v.Manifest.Command, "/tmp") || h.Validation == nil {
		t.Errorf("built-in verifier: data %q, command %q, validation %v (expected relative paths and held-out pieces)", h.Data, v.Manifest.Command, h.Validation)
	}
	r := builtinReader(t)
	for _, c := range []Cutting{{From: 0.1, Weight: 1}, {From: 0.6, Weight: -1}} {
		if err := r.UseVerifier(v, c); err == nil || !strings.Contains(err.Error(), "expected") {
			t.Errorf("cutting %+v: %v", c, err)
		}
	}
}
