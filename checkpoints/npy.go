package checkpoints

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The .npy format, version 1.0 (numpy.lib.format): magic, version, a little-endian
// uint16 header length, then a Python dict literal padded with spaces and ended by
// '\n' so that the data starts on a 64-byte boundary.
//
// Written by hand: gorgonia's tensor.WriteNpy omits the header's final newline and its
// ReadNpy allocates whatever size a header claims before reading any data; this codec
// checks the header against the bytes that are really there.
const (
	npyMagic   = "\x93NUMPY"
	npyAlign   = 64
	npyMaxDims = 8
)

// ErrNpy marks a malformed or unsupported .npy file.
var ErrNpy = errors.New("invalid .npy data")

// Array is a C-ordered float array read from or written to .npy.
type Array struct {
	Shape []int
	F32   []float32 // set when the file holds '<f4'
	F64   []float64 // set when the file holds '<f8'
}

// EncodeNpy encodes a as .npy version 1.0.
func EncodeNpy(a Array) ([]byte, error) {
	descr, n := "<f8", len(a.F64)
	if a.F32 != nil {
		descr, n = "<f4", len(a.F32)
	}
	if product(a.Shape) != n {
		return nil, fmt.Errorf("%w: shape %v does not hold %d values", ErrNpy, a.Shape, n)
	}
	dims := make([]string, len(a.Shape))
	for i, d := range a.Shape {
		dims[i] = strconv.Itoa(d)
	}
	shape := strings.Join(dims, ", ")
	if len(a.Shape) == 1 {
		shape += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape)
	pad := npyAlign - (len(npyMagic)+4+len(header)+1)%npyAlign
	header += strings.Repeat(" ", pad%npyAlign) + "\n"
	var b bytes.Buffer
	b.WriteString(npyMagic)
	b.Write([]byte{1, 0})
	binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	if a.F32 != nil {
		binary.Write(&b, binary.LittleEndian, a.F32)
	} else {
		binary.Write(&b, binary.LittleEndian, a.F64)
	}
	return b.Bytes(), nil
}

var (
	npyDescr = regexp.MustCompile(`'descr':\s*'([<>|=]?[a-zA-Z]\d*)'`)
	npyOrder = regexp.MustCompile(`'fortran_order':\s*(True|False)`)
	npyShape = regexp.MustCompile(`'shape':\s*\(([\d,\s]*)\)`)
)

// DecodeNpy decodes a little-endian float32 or float64, C-ordered .npy file of version
// 1.0, 2.0 or 3.0. The data must be exactly as long as the header's shape says.
func DecodeNpy(data []byte) (Array, error) {
	var a Array
	if len(data) < len(npyMagic)+4 || string(data[:len(npyMagic)]) != npyMagic {
		return a, fmt.Errorf("%w: no NUMPY magic", ErrNpy)
	}
	major, rest := data[len(npyMagic)], data[len(npyMagic)+2:]
	var hlen int
	switch major {
	case 1:
		hlen, rest = int(binary.LittleEndian.Uint16(rest)), rest[2:]
	case 2, 3:
		if len(rest) < 4 {
			return a, fmt.Errorf("%w: truncated header length", ErrNpy)
		}
		hlen, rest = int(binary.LittleEndian.Uint32(rest)), rest[4:]
	default:
		return a, fmt.Errorf("%w: format version %d (expected 1, 2 or 3)", ErrNpy, major)
	}
	if hlen > len(rest) {
		return a, fmt.Errorf("%w: header of %d bytes, only %d present", ErrNpy, hlen, len(rest))
	}
	header, body := string(rest[:hlen]), rest[hlen:]
	d, o, s := npyDescr.FindStringSubmatch(header), npyOrder.FindStringSubmatch(header), npyShape.FindStringSubmatch(header)
	if d == nil || o == nil || s == nil {
		return a, fmt.Errorf("%w: header %q lacks descr, fortran_order or shape", ErrNpy, strings.TrimSpace(header))
	}
	if o[1] != "False" {
		return a, fmt.Errorf("%w: Fortran order (expected C order)", ErrNpy)
	}
	for _, f := range strings.Split(s[1], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n > math.MaxInt32 || len(a.Shape) == npyMaxDims {
			return a, fmt.Errorf("%w: shape (%s)", ErrNpy, s[1])
		}
		a.Shape = append(a.Shape, n)
	}
	size := map[string]int{"<f4": 4, "<f8": 8}[d[1]]
	if size == 0 {
		return a, fmt.Errorf("%w: dtype %s (expected <f4 or <f8, little-endian float32 or float64)", ErrNpy, d[1])
	}
	n := product(a.Shape)
	if n < 0 || len(body) != n*size {
		return a, fmt.Errorf("%w: shape %v needs %d data bytes, file has %d", ErrNpy, a.Shape, n*size, len(body))
	}
	if size == 4 {
		a.F32 = make([]float32, n)
		binary.Decode(body, binary.LittleEndian, a.F32)
	} else {
		a.F64 = make([]float64, n)
		binary.Decode(body, binary.LittleEndian, a.F64)
	}
	return a, nil
}

// product is the number of elements of shape, or -1 past 2^31.
func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
		if n > math.MaxInt32 {
			return -1
		}
	}
	return n
}
