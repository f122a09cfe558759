// Command lenet trains and runs the LeNet-5 convolutional network on MNIST digits:
// lenet train, test, robustness, view, predict, read, draw, plot, augment, export and
// version. 'lenet help' lists them and 'lenet help COMMAND' gives a command's flags;
// docs/guide.md shows each at work.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"

	"github.com/lenet/lenet/internal/suggest"
	"github.com/spf13/pflag"
)

const usage = `lenet trains and runs the LeNet-5 convolutional network on MNIST digits (or,
with --dataset fashion, on Fashion-MNIST clothes).

Usage:
  lenet train [flags]           train LeNet-5, saving a checkpoint every epoch
  lenet test                    accuracy of a model on the 10,000 test images
  lenet robustness              accuracy on shifted, rotated, thick, thin, blurred, noisy... digits
  lenet view                    test images in the terminal with the guess, or mistakes (--wrong, --png)
  lenet predict FILE...         classify your own PNG, JPEG or GIF pictures of digits
  lenet read FILE...            read the numbers in photos and scans of handwriting
  lenet draw                    a local web page: draw a digit, watch the network guess
  lenet plot --run DIR          draw a run's cost and accuracy curves (DIR/curves.png)
  lenet augment --preview PNG   a grid of training images beside their distortions
  lenet export --out PATH       a model as NumPy .npy files, a checkpoint or an ONNX file
  lenet version                 lenet's and Go's versions and the kernels it runs on

test, view, predict, read, draw and export use the model built into lenet (the seed
LeNet-5s, a committee of 9 trained 30 epochs each by the default recipe) unless --checkpoint DIR names another.

Run 'lenet help COMMAND' or 'lenet COMMAND --help' for a command's flags.
`

func main() { os.Exit(mainCode()) }

// mainCode runs the command line and returns the exit status. SIGINT and SIGTERM cancel
// the context: commands stop at their next safe point.
func mainCode() int {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent(os.Args[1:]))
	}
	chooseKernels()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "lenet: %v\n", err)
		return 1
	}
	return 0
}

// memoryLimit is the heap's soft limit unless GOMEMLIMIT sets one: gorgonia allocates
// afresh at every step, so memory would follow the garbage, not the live data.
const memoryLimit = 300 << 20

// gcPercent is GOGC unless set. Training's live data holds few pointers, so collecting 4
// times as often as Go's default costs no measurable time and lowers peak memory
// (docs/performance.md): 25. read and draw, which read many pictures with the reader,
// keep Go's 100: their live heap is a few tens of MiB and each picture's pieces leave
// garbage, so at 25 the collector ran every few pictures and took a third of lenet
// read's time (docs/reading.md, docs/bench/read.sh). predict, a picture or a few, keeps
// 25: at 100 a 12 MP photo peaks 13 MB higher for no time saved.
func gcPercent(args []string) int {
	if len(args) > 0 && (args[0] == "read" || args[0] == "draw") {
		return 100
	}
	return 25
}

// commands are the subcommands by name.
var commands = map[string]func(context.Context, []string, io.Writer, io.Writer) error{
	"train": runTrain, "test": runTest, "augment": runAugment, "export": runExport, "view": runView,
	"predict": runPredict, "read": runRead, "plot": runPlot, "draw": runDraw, "version": runVersion, "robustness": runRobust,
}

// commandList names the commands for error messages.
const commandList = "train, test, robustness, view, predict, read, draw, plot, augment, export or version"

// run executes one subcommand; stdout gets results, stderr progress and usage errors.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given (expected %s)", commandList)
	}
	switch args[0] {
	case "help", "-h", "--help":
		if len(args) == 1 {
			fmt.Fprint(stdout, usage)
			return nil
		}
		args = []string{args[1], "--help"} // lenet help train
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return unknownCommand(args[0])
	}
	if err := cmd(ctx, args[1:], stdout, stderr); !errors.Is(err, errHelp) {
		return err
	}
	return nil
}

// unknownCommand says so, suggesting the command nearest to name if one is close.
func unknownCommand(name string) error {
	if best := suggest.Nearest(name, slices.Sorted(maps.Keys(commands))); best != "" {
		return fmt.Errorf("unknown command %q: did you mean %s? (see 'lenet help')", name, best)
	}
	return fmt.Errorf("unknown command %q (expected %s)", name, commandList)
}

// parse parses args, which must all be flags, into fs; it reports --help as errHelp
// after printing the usage.
func parse(fs *pflag.FlagSet, args []string, stdout io.Writer, summary string) error {
	if err := parseArgs(fs, args, stdout, summary); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (see 'lenet %s --help')", fs.Name(), fs.Arg(0), fs.Name())
	}
	return nil
}

// parseArgs is parse for commands that also take positional arguments (fs.Args()).
func parseArgs(fs *pflag.FlagSet, args []string, stdout io.Writer, summary string) error {
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintf(stdout, "%s\n\nFlags:\n%s", summary, fs.FlagUsages())
			return errHelp
		}
		return fmt.Errorf("%s: %w (see 'lenet %s --help')", fs.Name(), err, fs.Name())
	}
	return nil
}

// printJSONOr prints v as indented JSON when asJSON, else text.
func printJSONOr(w io.Writer, asJSON bool, v any, text string) error {
	if !asJSON {
		_, err := io.WriteString(w, text)
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// errHelp ends a command after --help without an error message.
var errHelp = errors.New("help shown")
