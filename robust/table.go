package robust

import (
	"fmt"
	"strings"
)

// Table is results as lenet robustness prints them: a row per family and strength, a
// column per model, then each family's mean, the suite's mean and the units.
func Table(results []Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "robustness on the first %d MNIST test images, seed %d\n", results[0].Images, results[0].Seed)
	row := func(label string, acc func(Result) float64) {
		fmt.Fprintf(&b, "%-26s", label)
		for _, r := range results {
			fmt.Fprintf(&b, " %*.2f%%", max(8, len(r.Model))-1, 100*acc(r))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%-26s", "family, strength")
	for _, r := range results {
		fmt.Fprintf(&b, " %*s", max(8, len(r.Model)), r.Model)
	}
	b.WriteString("\n")
	row("clean", func(r Result) float64 { return r.Clean })
	for i, c := range results[0].Cells {
		row(fmt.Sprintf("%s %g", c.Family, c.Strength), func(r Result) float64 { return r.Cells[i].Accuracy })
	}
	b.WriteString("each family, mean over its strengths:\n")
	for _, f := range Families {
		row("  "+f.Name, func(r Result) float64 { return r.FamilyMean(f.Name) })
	}
	row("mean over the suite", func(r Result) float64 { return r.Mean })
	var units []string
	for _, f := range Families {
		units = append(units, f.Name+": "+f.Unit)
	}
	fmt.Fprintf(&b, "%s units: %s\n", strings.Repeat("-", 26), strings.Join(units, "; "))
	if len(results[0].Photos) > 0 {
		fmt.Fprintf(&b, "photos of the first %d test digits, read back as lenet predict reads them:\n", results[0].PhotoImages)
		for i, c := range results[0].Photos {
			row(fmt.Sprintf("%s %g", c.Family, c.Strength), func(r Result) float64 { return r.Photos[i].Accuracy })
		}
		row("mean over the photo suite", func(r Result) float64 { return r.PhotoMean })
		units = units[:0]
		for _, f := range PhotoFamilies {
			units = append(units, f.Name+": "+f.Unit)
		}
		fmt.Fprintf(&b, "%s units: %s\n", strings.Repeat("-", 26), strings.Join(units, "; "))
	}
	if sc := results[0].Scenes; sc.Photos > 0 {
		fmt.Fprintf(&b, "simulated photos, every condition at once (%d: half of these test digits, half pen-drawn):\n", sc.Photos)
		row("  read by lenet predict", func(r Result) float64 { return r.Scenes.Accuracy })
		row("    MNIST's digits", func(r Result) float64 { return r.Scenes.MNIST })
		row("    pen-drawn digits", func(r Result) float64 { return r.Scenes.Pen })
		row("  the same on white paper", func(r Result) float64 { return r.Scenes.White })
		row("  missed, also on white", func(r Result) float64 { return r.Scenes.AlsoOnWhite })
		row("  missed in the photo only", func(r Result) float64 { return r.Scenes.PhotoOnly })
		row("  no digit found", func(r Result) float64 { return r.Scenes.NotFound })
		row("  calibration error (ECE)", func(r Result) float64 { return r.Scenes.Calibration.ECE })
		fmt.Fprintf(&b, "  by lenet read (%d of each kind):\n", results[0].SceneReads[0].Photos)
		row("    numbers read whole", func(r Result) float64 { return r.SceneReads[0].Right })
		row("      and every digit sure", func(r Result) float64 { return r.SceneReads[0].Sure })
		row("    two lines read whole", func(r Result) float64 { return r.SceneReads[1].Right })
		row("      and every digit sure", func(r Result) float64 { return r.SceneReads[1].Sure })
		row("    two lines found", func(r Result) float64 { return r.SceneReads[1].Lines })
		row("    no digits: rejected", func(r Result) float64 { return r.SceneReads[2].Right })
	}
	if len(results[0].Proxies) > 0 {
		b.WriteString("proxies for weaknesses seen outside MNIST, made from these test digits:\n")
		for i, p := range results[0].Proxies {
			row(fmt.Sprintf("  %s (%d)", p.Name, p.Images), func(r Result) float64 { return r.Proxies[i].Accuracy })
		}
	}
	if len(results[0].Numbers) > 0 {
		fmt.Fprintf(&b, "numbers of 2-6 test digits read whole by lenet read (%d of each kind):\n", results[0].Numbers[0].Numbers)
		for i, n := range results[0].Numbers {
			row("  "+n.Kind, func(r Result) float64 { return r.Numbers[i].Whole })
		}
	}
	return b.String()
}
