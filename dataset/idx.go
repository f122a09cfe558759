package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// IDX magic numbers: two zero bytes, the element type (0x08 = unsigned byte) and the
// number of dimensions.
const (
	magicImages = 0x00000803 // ubyte, 3 dimensions: count, rows, columns
	magicLabels = 0x00000801 // ubyte, 1 dimension: count
	// maxSide bounds an image's rows and columns; IDX image sets are small pictures.
	maxSide = 1 << 12
)

// Sentinel errors, wrapped with the file name and field by every reader.
var (
	ErrMagic     = errors.New("wrong magic number")
	ErrShape     = errors.New("invalid dimensions")
	ErrTruncated = errors.New("file is truncated")
	ErrTrailing  = errors.New("unexpected data after the last record")
	ErrMismatch  = errors.New("image and label counts differ")
	ErrLabel     = errors.New("label out of range")
	ErrChecksum  = errors.New("SHA-256 does not match")
	ErrNotFound  = errors.New("data files not found")
)

// gzipMagic opens every gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// Images is a set of greyscale pictures stored row-major, one byte per pixel.
type Images struct {
	Count, Rows, Cols int
	Pixels            []byte // (Count, Rows, Cols)
}

// ReadImages reads an IDX3 ubyte image file, gzip-compressed or raw.
func ReadImages(path string) (*Images, error) {
	var im *Images
	err := readIDX(path, magicImages, 3, func(dims []uint32, r io.Reader) error {
		rows, cols := int(dims[1]), int(dims[2])
		if rows == 0 || cols == 0 || rows > maxSide || cols > maxSide {
			return fmt.Errorf("%w: image size %dx%d (expected 1 to %d per side)", ErrShape, rows, cols, maxSide)
		}
		pix, err := readExactly(r, int64(dims[0])*int64(rows)*int64(cols))
		if err != nil {
			return err
		}
		im = &Images{Count: int(dims[0]), Rows: rows, Cols: cols, Pixels: pix}
		return nil
	})
	return im, err
}

// ReadLabels reads an IDX1 ubyte label file, gzip-compressed or raw, and checks that
// every label is below classes.
func ReadLabels(path string, classes int) ([]byte, error) {
	var labels []byte
	err := readIDX(path, magicLabels, 1, func(dims []uint32, r io.Reader) error {
		var err error
		if labels, err = readExactly(r, int64(dims[0])); err != nil {
			return err
		}
		for i, l := range labels {
			if int(l) >= classes {
				return fmt.Errorf("%w: record %d has label %d (expected 0 to %d)", ErrLabel, i, l, classes-1)
			}
		}
		return nil
	})
	return labels, err
}

// readIDX opens path, checks the magic number and hands the dimensions and the reader
// positioned at the data to body. Errors name the file.
func readIDX(path string, magic uint32, ndims int, body func(dims []uint32, r io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, gz, err := decompressed(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	header := make([]uint32, 1+ndims)
	if err := binary.Read(r, binary.BigEndian, header); err != nil {
		return fmt.Errorf("read %s: header: %w", path, truncation(err))
	}
	if header[0] != magic {
		return fmt.Errorf("read %s: magic: %w: got 0x%08x, expected 0x%08x", path, ErrMagic, header[0], magic)
	}
	// A raw file's size is known: check the header's claim against it before reading.
	// (A gzip stream's is not; readExactly never allocates more than arrives.)
	if info, err := f.Stat(); err == nil && !gz {
		claim := uint64(1)
		for _, d := range header[1:] {
			claim = min(claim*uint64(d), 1<<62)
		}
		if have := uint64(info.Size()) - uint64(4*len(header)); claim > have {
			return fmt.Errorf("read %s: %w: the header's dimensions %v need %d bytes of data, the file holds %d", path, ErrTruncated, header[1:], claim, have)
		}
	}
	if err := body(header[1:], r); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// decompressed returns a reader of the file's content, gunzipping it when it starts
// with the gzip magic bytes, and whether it did.
func decompressed(f io.Reader) (io.Reader, bool, error) {
	br := bufio.NewReader(f)
	head, err := br.Peek(2)
	if err != nil || !bytes.Equal(head, gzipMagic) {
		return br, false, nil // too short for gzip: the header read reports the truncation
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, true, fmt.Errorf("gzip: %w", err)
	}
	return zr, true, nil
}

// readExactly reads n bytes and requires the stream to end there. The buffer grows
// only as data actually arrives, so a header that claims a huge count cannot make it
// allocate more than the file holds.
// firstRead is the most readExactly allocates before data arrives (a variable for tests).
var firstRead int64 = 64 << 20

func readExactly(r io.Reader, n int64) ([]byte, error) {
	// Allocate what the header claims up to 64 MiB (MNIST's largest file holds 47 MB),
	// beyond that twice what arrived: a lying header costs at most that much memory, and
	// the set is read into its one buffer, not grown through copies.
	data := make([]byte, min(n, firstRead))
	for read := 0; ; {
		got, err := io.ReadFull(r, data[read:])
		read += got
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("data: %w: %d of %d bytes", ErrTruncated, read, n)
			}
			return nil, fmt.Errorf("data: %w", err)
		}
		if int64(read) == n {
			break
		}
		more := int(min(n-int64(read), int64(read)))
		data = slices.Grow(data, more)[:read+more]
	}
	var extra [1]byte
	if got, err := io.ReadFull(r, extra[:]); got > 0 {
		return nil, fmt.Errorf("data: %w", ErrTrailing)
	} else if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("data: %w", truncation(err))
	}
	return data, nil
}

// truncation maps the ways a short stream ends onto ErrTruncated.
func truncation(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w (%v)", ErrTruncated, err)
	}
	return err
}

// WriteIDX writes s as split ("train" or "test") of an IDX data set: its two files,
// gzip-compressed under MNIST's names, so that Load reads them back from the folder
// they are put in. write(name, body) makes the file called name with what body writes
// (internal/atomicfile.WriteFile in a folder, say); the same set gives the same bytes.
func (s *Set) WriteIDX(split string, write func(name string, body func(io.Writer) error) error) error {
	prefix, err := filePrefix(split)
	if err != nil {
		return err
	}
	if len(s.Pixels) != s.Count*s.Rows*s.Cols || len(s.Labels) != s.Count {
		return fmt.Errorf("write %s: %w: %d images of %dx%d with %d pixels and %d labels", split, ErrShape, s.Count, s.Rows, s.Cols, len(s.Pixels), len(s.Labels))
	}
	images := binary.BigEndian.AppendUint32(nil, magicImages)
	for _, d := range []int{s.Count, s.Rows, s.Cols} {
		images = binary.BigEndian.AppendUint32(images, uint32(d))
	}
	labels := binary.BigEndian.AppendUint32(nil, magicLabels)
	labels = binary.BigEndian.AppendUint32(labels, uint32(s.Count))
	for _, f := range []struct {
		name         string
		header, data []byte
	}{{prefix + "-images-idx3-ubyte.gz", images, s.Pixels}, {prefix + "-labels-idx1-ubyte.gz", labels, s.Labels}} {
		err := write(f.name, func(w io.Writer) error {
			z := gzip.NewWriter(w) // ModTime zero: the same bytes for the same set
			_, err := z.Write(append(f.header, f.data...))
			return errors.Join(err, z.Close())
		})
		if err != nil {
			return err
		}
	}
	return nil
}
