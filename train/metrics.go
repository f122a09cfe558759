package train

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/lenet/lenet/internal/atomicfile"
)

// MetricsFile is the run folder's record of training, one row per epoch.
const MetricsFile = "metrics.csv"

var (
	metricsHeader = []string{"epoch", "train_cost", "train_accuracy", "val_cost", "val_accuracy", "test_accuracy", "seconds", "lr"}
	// oldHeader is metrics.csv before validation images (runs resumed from then).
	oldHeader = []string{"epoch", "train_cost", "train_accuracy", "test_accuracy", "seconds", "lr"}
)

// Row is one epoch: cost and accuracy on the (distorted) training batches, cost and
// accuracy on the validation images (0, empty fields in metrics.csv: none held out),
// accuracy on the test images, seconds, and the learning rate of the epoch's last step.
type Row struct {
	Epoch                                                        int
	TrainCost, TrainAccuracy, ValCost, ValAccuracy, TestAccuracy float64
	Seconds, LR                                                  float64
}

// WriteMetrics replaces path with rows, whole or not at all.
func WriteMetrics(path string, rows []Row) error {
	return atomicfile.WriteFile(path, func(f io.Writer) error {
		w := csv.NewWriter(f)
		w.Write(metricsHeader)
		for _, r := range rows {
			cost, acc := "", ""
			if r.ValAccuracy != 0 {
				cost, acc = ff(r.ValCost), ff(r.ValAccuracy)
			}
			w.Write([]string{strconv.Itoa(r.Epoch), ff(r.TrainCost), ff(r.TrainAccuracy), cost, acc, ff(r.TestAccuracy), ff(r.Seconds), ff(r.LR)})
		}
		w.Flush()
		return w.Error()
	})
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

// ReadMetrics reads the rows of epochs 1 to upTo from path, all of them when upTo is
// negative; with upTo 0 a missing file is no error.
func ReadMetrics(path string, upTo int) ([]Row, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && upTo == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(records) == 0 || !slices.Equal(records[0], metricsHeader) && !slices.Equal(records[0], oldHeader) {
		return nil, fmt.Errorf("read %s: expected the header %v", path, metricsHeader)
	}
	old := len(records[0]) == len(oldHeader)
	var rows []Row
	for i, rec := range records[1:] {
		if old { // no validation columns
			rec = append(rec[:3:3], append([]string{"", ""}, rec[3:]...)...)
		}
		var r Row
		var errs [8]error
		r.Epoch, errs[0] = strconv.Atoi(rec[0])
		r.TrainCost, errs[1] = strconv.ParseFloat(rec[1], 64)
		r.TrainAccuracy, errs[2] = strconv.ParseFloat(rec[2], 64)
		if rec[3] != "" || rec[4] != "" {
			r.ValCost, errs[3] = strconv.ParseFloat(rec[3], 64)
			r.ValAccuracy, errs[4] = strconv.ParseFloat(rec[4], 64)
		}
		r.TestAccuracy, errs[5] = strconv.ParseFloat(rec[5], 64)
		r.Seconds, errs[6] = strconv.ParseFloat(rec[6], 64)
		r.LR, errs[7] = strconv.ParseFloat(rec[7], 64)
		if err := errors.Join(errs[:]...); err != nil || r.Epoch != i+1 {
			return nil, fmt.Errorf("read %s: line %d: expected epoch %d and numbers: %v", path, i+2, i+1, rec)
		}
		if upTo < 0 || r.Epoch <= upTo {
			rows = append(rows, r)
		}
	}
	if len(rows) != upTo && upTo > 0 {
		return nil, fmt.Errorf("read %s: %d epochs recorded, the checkpoint is at epoch %d", path, len(rows), upTo)
	}
	return rows, nil
}
