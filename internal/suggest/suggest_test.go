package suggest

import "testing"

func TestNearest(t *testing.T) {
	commands := []string{"augment", "draw", "export", "plot", "predict", "test", "train", "version", "view"}
	for _, c := range []struct{ name, want string }{
		{"tarin", "train"}, // two letters swapped count one
		{"Test", "test"},   // case ignored
		{"exp", "export"},  // a prefix
		{"viwe", "view"},
		{"trian", "train"},
		{"drwa", "draw"},
		{"frobnicate", ""}, // nothing close
		{"x", ""},          // one letter is no prefix
		{"", ""},
	} {
		if got := Nearest(c.name, commands); got != c.want {
			t.Errorf("Nearest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"ab", "ba", 1}, {"train", "tarin", 1}, {"abcd", "acbd", 1}} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
