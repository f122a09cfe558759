// Command tune makes the reader's training data and chooses its settings on images held
// out from training (package internal/tune), printing what it measured:
//
//	go run ./internal/tools/tune pieces DIR   # the verifier's pieces as IDX files (docs/verifier.sh)
//	go run ./internal/tools/tune marks DIR    # the gate's marks as IDX files (docs/gate.sh)
//	go run ./internal/tools/tune gateat       # reader.GateAt's table and choice (docs/gate.sh)
//	go run ./internal/tools/tune sureat       # reader.SureAt's table and choice (docs/sure.sh)
//	go run ./internal/tools/tune cutting      # reader.DefaultCutting's table and choice
//	go run ./internal/tools/tune knobs        # its other knobs, one at a time
//	go run ./internal/tools/tune strongline   # knobs.StrongLine's table and choice
//	go run ./internal/tools/tune fourodds     # knobs.FourOdds's table and choice (12 minutes)
//	go run ./internal/tools/tune heldout [MODEL] # how MODEL (default builtin) reads the held-out scenes
//	go run ./internal/tools/tune heldout MODEL SEED N # N numbers, two-line pictures and pictures without digits, drawn by SEED, and where they fail
//
// gateat, sureat, cutting, knobs, strongline and fourodds exit 1 when the reader's setting is not
// what the rule chooses; knobs measures around reader.VerifierCutting, cutting with
// DefaultCutting's knobs (the order they were chosen in).
package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph/kernels"
	"github.com/lenet/lenet/internal/knobs"
	"github.com/lenet/lenet/internal/tune"
	"github.com/lenet/lenet/reader"
	"github.com/lenet/lenet/robust"
)

func main() {
	kernels.UseBest()
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tune:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "pieces":
		if err := os.MkdirAll(args[1], 0o755); err != nil {
			return err
		}
		train, test, err := tune.WritePieces(args[1], tune.TrainPieces)
		if err != nil {
			return err
		}
		fmt.Printf("%d training pieces (checksum %s), %d test pieces (%s) in %s\n", train.Count, train.Checksum(), test.Count, test.Checksum(), args[1])
		return nil
	case len(args) == 2 && args[0] == "marks":
		if err := os.MkdirAll(args[1], 0o755); err != nil {
			return err
		}
		fashion := func(split string) (*dataset.Set, error) { return dataset.Fashion.Load("", split) }
		train, test, err := tune.WriteMarks(args[1], tune.TrainMarks, fashion)
		if err != nil {
			return err
		}
		fmt.Printf("%d training glyphs (checksum %s), %d test glyphs (%s) in %s\n", train.Count, train.Checksum(), test.Count, test.Checksum(), args[1])
		return nil
	case len(args) == 4 && args[0] == "heldout":
		m, err := openModel(args[1])
		if err != nil {
			return err
		}
		seed, err1 := strconv.ParseUint(args[2], 10, 64)
		n, err2 := strconv.Atoi(args[3])
		if err1 != nil || err2 != nil || n < 1 || n > 10000 {
			return fmt.Errorf("heldout MODEL SEED N: expected a seed and a count from 1 to 10000, got %q %q", args[2], args[3])
		}
		numbers, lines, rejected, err := tune.ReadHeldOutNumbers(m, seed, n)
		if err != nil {
			return err
		}
		count := func(share float64) int { return int(math.Round(share * float64(n))) }
		fmt.Printf("held-out scenes (seed %d): numbers read whole %d of %d, two lines read whole %d of %d, pictures without digits rejected %d of %d\n",
			seed, count(numbers.Right), n, count(lines.Right), n, count(rejected.Right), n)
		for _, s := range []robust.SceneRead{numbers, lines} {
			fmt.Printf("  %s: %d read whole and every digit sure; %d with lines or digits found wrong, %d with every digit found and one or more read wrong; "+
				"in those read whole, %d digits unsure to the model (under SureAt), %d sure to it but not to the gate\n",
				s.Kind, count(s.Sure), count(1-s.Lines), count(s.Lines-s.Right), s.UnsureModel, s.UnsureGate)
		}
		return nil
	case (len(args) == 1 || len(args) == 2) && args[0] == "heldout":
		m, err := openModel(append(args, "builtin")[1])
		if err != nil {
			return err
		}
		h, err := tune.ReadHeldOut(m)
		if err != nil {
			return err
		}
		fmt.Printf("held-out scenes (seed %d): single digits %.1f%% (ECE %.2f%%), numbers read whole %.1f%%, two lines read whole %.1f%% (found %.1f%%), pictures without digits rejected %.1f%%\n",
			tune.HeldOutSeed, 100*h.Single.Accuracy, 100*h.Single.Calibration.ECE, 100*h.Numbers.Right, 100*h.Lines.Right, 100*h.Lines.Lines, 100*h.Rejected.Right)
		return nil
	case len(args) == 1 && args[0] == "gateat":
		rows, chosen, err := tune.ChooseGateAt()
		if err != nil {
			return err
		}
		for _, r := range rows {
			fmt.Printf("threshold %.2f: %.2f%% of the digits sure without the gate stay sure (of touching numbers' %.2f%%)\n", r.Threshold, 100*r.Kept, 100*r.Touching)
		}
		fmt.Printf("the rule (the highest keeping at least %.1f%%) gives %.2f; reader.GateAt is %.2f\n", 100*tune.GateRule, chosen, reader.GateAt)
		if chosen != reader.GateAt {
			return errors.New("reader.GateAt is not the rule's choice")
		}
		return nil
	case len(args) == 1 && args[0] == "sureat":
		m, err := checkpoints.LoadDefault()
		if err != nil {
			return err
		}
		rows, chosen, err := tune.ChooseSureAt(m)
		if err != nil {
			return err
		}
		for _, r := range rows {
			fmt.Printf("threshold %.2f: sure of %.2f%%, right %.2f%% of those\n", r.Threshold, 100*r.Sure, 100*r.Right)
		}
		fmt.Printf("the rule (sure answers right at least %.1f%% of the time) gives %.2f; reader.SureAt is %.2f\n", 100*tune.SureRule, chosen, reader.SureAt)
		if chosen != reader.SureAt {
			return errors.New("reader.SureAt is not the rule's choice")
		}
		return nil
	case len(args) == 1 && args[0] == "cutting":
		rows, best, err := tune.ChooseCutting()
		if err != nil {
			return err
		}
		for _, r := range rows {
			fmt.Printf("cutting from %.2f heights, verifier weight %.2f: separated %d, touching %d of %d read whole\n",
				r.Cutting.From, r.Cutting.Weight, r.Separated, r.Touching, tune.HeldOutNumbers)
		}
		fmt.Printf("the most read whole: %+v; reader.DefaultCutting is %+v\n", best, reader.DefaultCutting)
		if best != reader.DefaultCutting {
			return errors.New("reader.DefaultCutting is not the rule's choice")
		}
		return nil
	case len(args) == 1 && args[0] == "knobs":
		rows, chosen, err := tune.Knobs()
		if err != nil {
			return err
		}
		fmt.Println("| knob | value | separated + touching (of 800) | photos of numbers (of 200) | two lines (of 200) | in all |")
		fmt.Println("|---|---:|---:|---:|---:|---:|")
		for _, r := range rows {
			mark := ""
			if r.Default {
				mark = " (before)"
			}
			value := fmt.Sprintf("%.3g%s", r.Value, mark)
			if r.Knob == "together" {
				value = "each knob's best"
			}
			fmt.Printf("| %s | %s | %d + %d | %d | %d | %d |\n", r.Knob, value, r.Separated, r.Touching, r.Scenes, r.Lines, r.Total())
		}
		fmt.Printf("the rule gives %+v; reader.DefaultCutting is %+v (its From and Weight are cutting's)\n", chosen, reader.DefaultCutting)
		chosen.From, chosen.Weight = reader.DefaultCutting.From, reader.DefaultCutting.Weight
		if chosen != reader.DefaultCutting {
			return errors.New("reader.DefaultCutting is not the rule's choice")
		}
		return nil
	case len(args) == 1 && args[0] == "strongline":
		rows, chosen, err := tune.ChooseStrongLine()
		if err != nil {
			return err
		}
		return knobTable("StrongLine", tune.HeldOutLinePhotos, rows, chosen, knobs.StrongLine)
	case len(args) == 1 && args[0] == "fourodds":
		rows, chosen, err := tune.ChooseFourOdds()
		if err != nil {
			return err
		}
		return knobTable("FourOdds", tune.FourOddsPhotos, rows, chosen, knobs.FourOdds)
	}
	return errors.New("usage: tune pieces DIR | tune marks DIR | tune gateat | tune sureat | tune cutting | tune knobs | tune strongline | tune fourodds | tune heldout [MODEL] | tune heldout MODEL SEED N")
}

// knobTable prints a knob's rows (n pictures of each kind) as a Markdown table and the
// rule's choice, and fails unless the knob (now) is that choice.
func knobTable(knob string, n int, rows []tune.HeldOutRow, chosen, now float64) error {
	fmt.Printf("| %s | numbers read whole (of %d) | two lines read whole (of %d) | without digits rejected (of %d) |\n", knob, n, n, n)
	fmt.Println("|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Printf("| %g | %d | %d | %d |\n", r.Value, r.Numbers, r.Lines, r.Reject)
	}
	fmt.Printf("the rule gives %g; knobs.%s is %g\n", chosen, knob, now)
	if chosen != now {
		return fmt.Errorf("knobs.%s is not the rule's choice", knob)
	}
	return nil
}

// openModel opens "builtin", or a checkpoint or run folder.
func openModel(name string) (*checkpoints.Model, error) {
	var src checkpoints.Source // the built-in model
	if name != "builtin" {
		src.Checkpoint = name
	}
	return checkpoints.Open(src)
}
