package reader

import (
	"context"
	"errors"
	"image"
	"strings"
	"sync"
	"testing"

	"github.com/lenet/lenet/checkpoints"
)

var (
	fuzzOnce   sync.Once
	fuzzReader *Reader
)

// FuzzRead reads any bytes as a grey picture (the first byte sets its width, 1 to
// 256; the rest are its pixels, row by row): never a panic, and either ErrNoDigits,
// ErrTooManyDigits or at most MaxDigits digits, each with a box inside the picture and
// a probability in [0,1] that agrees with its Sure.
func FuzzRead(f *testing.F) {
	f.Add([]byte{0})
	f.Add(append([]byte{9}, make([]byte, 81)...))
	row := func(s string) []byte {
		b := make([]byte, len(s))
		for i, c := range s {
			b[i] = 255
			if c == '#' {
				b[i] = 0
			}
		}
		return b
	}
	var two []byte
	for _, s := range []string{"............", ".##...###...", "..#.....#...", "..#....#....", "..#...#.....", ".###..####..", "............"} {
		two = append(two, row(s)...)
	}
	f.Add(append([]byte{12}, two...))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOnce.Do(func() {
			p, err := checkpoints.LoadDefault()
			if err != nil {
				t.Fatal(err)
			}
			if fuzzReader, err = New(p); err != nil {
				t.Fatal(err)
			}
		})
		if len(data) < 2 {
			return
		}
		w := int(data[0]) + 1
		h := (len(data) - 1) / w
		if h == 0 {
			return
		}
		img := image.NewGray(image.Rect(0, 0, w, h))
		copy(img.Pix, data[1:])
		reading, err := fuzzReader.Read(context.Background(), img)
		if err != nil {
			if !errors.Is(err, ErrNoDigits) && !errors.Is(err, ErrTooManyDigits) {
				t.Fatalf("%dx%d: %v", w, h, err)
			}
			return
		}
		if len(reading.Digits) == 0 {
			t.Fatalf("%dx%d: no digits and no error", w, h)
		}
		last := reading.Digits[len(reading.Digits)-1].Line
		if len(reading.Digits) > MaxDigits || len(reading.Text) != len(reading.Digits)+last ||
			strings.Count(reading.Text, "\n") != last {
			t.Fatalf("%dx%d: %d digits, text %q", w, h, len(reading.Digits), reading.Text)
		}
		for i, d := range reading.Digits {
			if i > 0 && d.Line != reading.Digits[i-1].Line && d.Line != reading.Digits[i-1].Line+1 {
				t.Fatalf("%dx%d: digit %d on line %d after one on line %d", w, h, i, d.Line, reading.Digits[i-1].Line)
			}
			b := d.Box
			if b[0] < 0 || b[1] < 0 || b[2] > w || b[3] > h || b[0] >= b[2] || b[1] >= b[3] ||
				d.Digit < 0 || d.Digit > 9 || !(d.Probability >= 0 && d.Probability <= 1) || !(d.DigitLike >= 0 && d.DigitLike <= 1) ||
				d.Sure != (d.Probability >= SureAt && d.DigitLike >= GateAt) {
				t.Fatalf("%dx%d: digit %+v", w, h, d)
			}
		}
	})
}
