package render

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress shows a bar for the epoch on a terminal, with images/s, the time left and the
// running cost and accuracy. Anywhere else (a pipe, a file, CI) it shows nothing: the
// epoch lines on stdout are the record, free of control characters.
type Progress struct {
	bar          *progressbar.ProgressBar
	epoch, total int
}

// NewProgress starts the bar of epoch (of epochs) over images, done of them already,
// on w if it is a terminal.
func NewProgress(w io.Writer, epoch, epochs, images, done int) *Progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &Progress{}
	}
	bar := progressbar.NewOptions(images,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", epoch, epochs)),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("img"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
	)
	bar.Set(done)
	return &Progress{bar: bar, epoch: epoch, total: epochs}
}

// Update adds a batch of n images with the running cost and accuracy.
func (p *Progress) Update(n int, cost, acc float64) {
	if p.bar == nil {
		return
	}
	p.bar.Describe(fmt.Sprintf("epoch %d/%d cost %.4f acc %.2f%%", p.epoch, p.total, cost, 100*acc))
	p.bar.Add(n)
}

// Finish ends the bar.
func (p *Progress) Finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
