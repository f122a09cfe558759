// The command that reads whole numbers: read.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/internal/ordered"
	"github.com/lenet/lenet/reader"
	"github.com/spf13/pflag"
)

const readSummary = `Usage: lenet read [--checkpoint DIR] [--json] FILE...

Reads the numbers in each PNG, JPEG or GIF photo or scan, line by line from the top,
each left to right, each digit with its probability; one the model is not sure of is a
'?' ("not sure: 4 or 9"). Files are read one a core at once and printed in order.
--json: an object a file (file, text with a newline between lines, digits: digit,
probability, sure, box [x0,y0,x1,y1], line).`

func runRead(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var m checkpoints.Source
	var asJSON bool
	fs := pflag.NewFlagSet("read", pflag.ContinueOnError)
	registerModel(fs, &m)
	fs.BoolVar(&asJSON, "json", false, "print one JSON object a file")
	if err := parseArgs(fs, args, stdout, readSummary); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("read: no image files given (see 'lenet read --help')")
	}
	mod, err := checkpoints.Open(m)
	if err != nil {
		return err
	}
	r, err := reader.New(mod) // refuses a model that does not read digits
	if err != nil {
		return err
	}
	defer r.Close()
	failed := 0
	files := fs.Args()
	read := func(k int) (reader.Reading, error) { return r.ReadFile(ctx, files[k]) }
	k := 0
	for reading, err := range ordered.Map(len(files), read) {
		f := files[k]
		k++
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil { // said, and the next file read
			fmt.Fprintf(stderr, "lenet: %v\n", err)
			failed++
		} else if asJSON {
			json.NewEncoder(stdout).Encode(reading)
		} else {
			fmt.Fprintf(stdout, "%s: %s\n", f, reader.Describe(reading))
		}
	}
	if failed > 0 {
		return fmt.Errorf("read: %d of %d files not read", failed, fs.NArg())
	}
	return nil
}
