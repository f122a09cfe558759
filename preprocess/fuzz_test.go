package preprocess

import (
	"bytes"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/lenet/lenet/dataset"
)

// FuzzDigit decodes arbitrary bytes as a picture and preprocesses it: never a panic, and
// either an error or 784 values in [0,1].
func FuzzDigit(f *testing.F) {
	img := ring(40, 30, 20, 15, 8, 12, color.Black, color.White)
	for _, enc := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return png.Encode(b, img) },
		func(b *bytes.Buffer) error { return jpeg.Encode(b, img, nil) },
		func(b *bytes.Buffer) error { return gif.Encode(b, img, nil) },
	} {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte("GIF89a\x60\xea\x60\xea\x00\x00\x00;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		px, err := Digit(img)
		if err != nil {
			return
		}
		if len(px) != dataset.Side*dataset.Side {
			t.Fatalf("%d pixels", len(px))
		}
		for i, v := range px {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("pixel %d = %g", i, v)
			}
		}
	})
}
