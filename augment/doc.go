// Package augment distorts training images and streams ready minibatches.
//
// Each image gets one random affine warp (shift, zoom and rotation about the image
// centre), optionally combined with an elastic distortion (Simard, Steinkraus & Platt
// 2003), sampled with bilinear interpolation in a single pass, then optional Gaussian
// pixel noise, clipped to [0,1].
//
// Every image's distortion is drawn from a generator derived from (seed, epoch, image
// index) alone, so a Stream yields byte-identical batches whatever its number of
// workers.
package augment
