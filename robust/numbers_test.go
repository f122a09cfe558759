package robust

import "testing"

// TestReadNumbers reads 200 numbers of 2-6 test digits of each kind with the built-in
// model and requires the reading issue's whole-number accuracy: 95% separated, 85%
// touching, 90% in a photo.
func TestReadNumbers(t *testing.T) {
	set := testSet(t, 10000)
	r := builtinReader(t)
	floor := map[string]float64{"separated": 0.95, "touching": 0.85, "in a photo": 0.90}
	for _, kind := range NumberKinds {
		s, err := Numbers(r, set, kind, 200, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %.1f%% of numbers read whole, %.1f%% of digits sure", kind.Name, 100*s.Whole, 100*s.Sure)
		if s.Whole < floor[kind.Name] {
			t.Errorf("%s: %.1f%% read whole, want at least %.0f%%", kind.Name, 100*s.Whole, 100*floor[kind.Name])
		}
	}
}
