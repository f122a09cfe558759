//go:build !amd64 || purego

package kernels

func adam32Vector(w, g, m, v []float32, h *AdamStep32) int { return 0 }
