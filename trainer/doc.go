// Package trainer fits multiclass MLP classifiers: input → hidden Dense layers
// (relu, tanh, sigmoid or elu, each followed by inverted dropout) → Dense
// (classes) → softmax, trained on categorical cross-entropy (optionally
// class-weighted, plus L1/L2 on kernel weights) with SGD, RMSprop or Adam,
// seeded shuffling every epoch and early stopping on a validation set.
//
// Fit trains one model from one seed. Everything random (initial weights,
// shuffles, dropout masks) comes from PCG streams derived from that seed, and
// the math of one Fit runs on one goroutine, so the same data, Config and
// seed give bit-identical weights and history (wall-clock seconds aside) at
// any GOMAXPROCS and beside any number of concurrent Fits. A sweep
// parallelises across Fits.
//
// The network computes in float32 (default) or float64 (Config.Precision);
// inputs are converted once per Fit, and every buffer is allocated before the
// first batch, so a training step allocates nothing. Sparse (CSR) inputs are
// multiplied in CSR form by the first layer. On amd64 the optimizer steps, the
// L1/L2 gradient and the ReLU passes run AVX2 or AVX-512 kernels that round
// exactly as the Go loops do (no fused multiply-add); with the matrix kernels,
// which also agree across vector widths, a float32 trial gives the same bits
// on AVX2 and AVX-512 machines.
//
// A Model is saved and loaded with Save and Load in the sweep-mlp version 1
// format: one JSON header line
//
//	{"format":"sweep-mlp","version":1,"precision":"float32","sizes":[784,128,10],
//	 "activation":"relu","params":101770,"config":{...}}
//
// followed by params little-endian IEEE-754 values (4 bytes each for float32,
// 8 for float64): every layer's kernel (sizes[l]×sizes[l+1], row-major), then
// every layer's bias, in layer order.
package trainer
