#!/usr/bin/env bash
# Chooses reader.SureAt, the probability from which lenet read and predict call a digit
# sure, on images held out from training: `tune sureat` (internal/tune's ChooseSureAt) draws the 5,000 training
# images the built-in committee held out (its manifest lists them) as phone photos, reads
# them back and prints, for each threshold, how often the model is sure and how often it
# is right then; it fails unless SureAt is what its rule gives. About 40 seconds on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./internal/tools/tune sureat
