// Package knobs holds the preprocessing's and the reader's settings that internal/tune
// measures around: preprocess and reader read them, tune sets them between reads to
// tabulate a choice on held-out pictures. Being internal, nothing outside this module can change them; in it only
// tune and the tests that show what a knob does change them.
package knobs

// StrongLine is how many times stronger than a ruled line's median ink a pixel on the
// line must be to be kept as writing when the line is erased (a 1 drawn along a squared
// page's upright line, the top of a 7 along a ruled one). Chosen by `go run
// ./internal/tools/tune strongline` (docs/reading.md): 0 would keep the whole line, a
// very large value erases all writing on it, as the reader did before.
var StrongLine = 1.5

// FourOdds is how many times the reader raises the digit model's odds of a 4 against
// a 9 when it reads a picture (reader.Reader.Read; the two share what they had between
// them). MNIST's American writers seldom close a 4's top; other writers often do, and
// the committee takes such a 4 for a 9 when it is unsure of it. Chosen by `go run
// ./internal/tools/tune fourodds` (docs/reading.md): 1 leaves the model's probabilities
// as they are.
var FourOdds = 3.0
