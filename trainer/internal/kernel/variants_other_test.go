//go:build !amd64 || purego

package kernel

// extraGemm32 lists float32 Gemm paths to benchmark besides Gemm and
// gemmGo; there are none without assembly.
func extraGemm32() []gemmVariant { return nil }

// extraCSR32 lists sparse float32 paths to benchmark besides CSRMul,
// CSRTMul and the pure-Go ones; there are none without assembly.
func extraCSR32() []csrVariant { return nil }
