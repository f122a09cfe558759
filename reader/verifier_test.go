package reader

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltinVerifier: the built-in verifier names no folder of the machine that made
// it, and a reader takes DefaultCutting and refuses cutting it cannot use (each knob
// out of its range in turn).
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
	bad := []Cutting{{From: 0.1, Weight: 1}, {From: 0.6, Weight: -1}}
	for _, change := range []func(c *Cutting){
		func(c *Cutting) { c.From = 0.1 },
		func(c *Cutting) { c.Weight = -1 },
		func(c *Cutting) { c.Narrowest = 0 },
		func(c *Cutting) { c.Widest = c.Narrowest },
		func(c *Cutting) { c.MaxCuts = 1 },
		func(c *Cutting) { c.Span = 4 },
		func(c *Cutting) { c.Merge = 0 },
		func(c *Cutting) { c.Smallest = 1 },
	} {
		c := DefaultCutting
		change(&c)
		bad = append(bad, c)
	}
	if err := r.UseVerifier(v, DefaultCutting); err != nil {
		t.Fatal(err)
	}
	for _, c := range bad {
		if err := r.UseVerifier(v, c); err == nil || !strings.Contains(err.Error(), "expected") {
			t.Errorf("cutting %+v: %v", c, err)
		}
	}
}
