// Package bounds refuses a setting outside its valid range with an error naming the
// setting, its value and the range: "invalid --epochs 0 (expected 1 to 1000)". The
// command's flags and the library's recipes share these checks, and so their messages.
package bounds

import "fmt"

// Int refuses v outside [lo, hi].
func Int(name string, v, lo, hi int) error {
	if v < lo || v > hi {
		return fmt.Errorf("invalid --%s %d (expected %d to %d)", name, v, lo, hi)
	}
	return nil
}

// Float refuses v outside [lo, hi], or (lo, hi] when loOpen, and NaN.
func Float(name string, v, lo, hi float64, loOpen bool) error {
	if v < lo || v > hi || (loOpen && v == lo) || v != v {
		bracket := "["
		if loOpen {
			bracket = "("
		}
		return fmt.Errorf("invalid --%s %g (expected a value in %s%g, %g])", name, v, bracket, lo, hi)
	}
	return nil
}

// First is the first of errs that is not nil: checks listed in order report the first
// setting out of range.
func First(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
