package main

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/serve"
	"github.com/spf13/pflag"
)

// drawPage is the drawing page: HTML, CSS and script in one file, no external address.
//
//go:embed web/index.html
var drawPage []byte

const drawSummary = `Usage: lenet draw [--checkpoint DIR] [--addr 127.0.0.1:8080] [--save-dir DIR]

Serves a page (offline, built in) where you draw a digit and watch the network guess it
live. "That was a 7" saves the drawing into --save-dir; the page says how many are saved
and the command that teaches the model them ('lenet train --from MODEL --images DIR';
'lenet test --images DIR' scores them). It
answers only its own page at a loopback name, the --addr host or an --allow-host name:
other web sites cannot use it. Ctrl-C stops it after the requests under way.`

func runDraw(ctx context.Context, args []string, stdout, _ io.Writer) error {
	var m checkpoints.Source
	o := serve.Options{Page: drawPage}
	var maxSaveMiB int
	fs := pflag.NewFlagSet("draw", pflag.ContinueOnError)
	registerModel(fs, &m)
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.StringSliceVar(&o.AllowHosts, "allow-host", nil, "a further host name the server answers to (repeatable), e.g. the machine's name when --addr is :8080")
	fs.StringVar(&o.SaveDir, "save-dir", "drawings", "folder where corrected drawings are saved")
	fs.IntVar(&o.MaxSaves, "max-saves", serve.DefaultMaxSaves, "most drawings the save folder may hold (1 to 1000000)")
	fs.IntVar(&maxSaveMiB, "max-save-mib", serve.DefaultMaxSaveMiB, "most MiB of drawings the save folder may hold (1 to 1048576)")
	if err := parse(fs, args, stdout, drawSummary); err != nil {
		return err
	}
	if err := bounds.First(bounds.Int("max-saves", o.MaxSaves, 1, 1_000_000), bounds.Int("max-save-mib", maxSaveMiB, 1, 1<<20)); err != nil {
		return err
	}
	o.MaxSaveBytes = int64(maxSaveMiB) << 20
	if m.Npy == "" { // a .npy folder records no training to continue
		o.Learn = fmt.Sprintf("lenet train --from %s --images %s", shellQuote(cmp.Or(m.Checkpoint, "builtin")), shellQuote(o.SaveDir))
	}
	mod, err := checkpoints.Open(m)
	if err != nil {
		return err
	}
	if mod.Dataset.Name != dataset.MNIST.Name {
		return fmt.Errorf("draw is for handwritten digits; the model classifies %s", mod.Dataset.Title)
	}
	h, err := serve.New(mod, o)
	if err != nil {
		return err
	}
	defer h.Close()
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("invalid --addr %q: %w", o.Addr, err)
	}
	fmt.Fprintf(stdout, "model %s\ndraw at http://%s/ (Ctrl-C stops)\n", mod.Name, ln.Addr())
	return serve.Run(ctx, ln, h)
}

// shellQuote is s as one word of a POSIX shell command line.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
