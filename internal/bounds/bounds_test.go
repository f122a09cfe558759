package bounds

import (
	"errors"
	"math"
	"testing"
)

func TestInt(t *testing.T) {
	for _, c := range []struct {
		v    int
		want string
	}{
		{1, ""}, {1000, ""}, {500, ""},
		{0, "invalid --epochs 0 (expected 1 to 1000)"},
		{1001, "invalid --epochs 1001 (expected 1 to 1000)"},
		{-5, "invalid --epochs -5 (expected 1 to 1000)"},
	} {
		if got := msg(Int("epochs", c.v, 1, 1000)); got != c.want {
			t.Errorf("Int(%d) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestFloat(t *testing.T) {
	for _, c := range []struct {
		v      float64
		loOpen bool
		want   string
	}{
		{0, false, ""}, {1, false, ""}, {0.5, true, ""}, {1, true, ""},
		{0, true, "invalid --lr 0 (expected a value in (0, 1])"},
		{-0.1, false, "invalid --lr -0.1 (expected a value in [0, 1])"},
		{1.5, false, "invalid --lr 1.5 (expected a value in [0, 1])"},
		{math.NaN(), false, "invalid --lr NaN (expected a value in [0, 1])"},
		{math.Inf(1), true, "invalid --lr +Inf (expected a value in (0, 1])"},
	} {
		if got := msg(Float("lr", c.v, 0, 1, c.loOpen)); got != c.want {
			t.Errorf("Float(%g, loOpen %v) = %q, want %q", c.v, c.loOpen, got, c.want)
		}
	}
}

func TestFirst(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	if err := First(nil, a, b); err != a {
		t.Errorf("First(nil, a, b) = %v, want a", err)
	}
	if err := First(nil, nil); err != nil {
		t.Errorf("First(nil, nil) = %v, want nil", err)
	}
}

func msg(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
