// uint8 video batch -> float32, ImageNet-style per-channel normalization, optional layout change.
//
// Compiled to PTX (committed as a resource, JIT-compiled by the driver for the GPU at hand) with, from the
// repository root:
//   nvcc -ptx -arch=compute_80 -o gpu/cuda/src/main/resources/org/etab/gpu/cuda/normalize.ptx gpu/cuda/src/main/cuda/normalize.cu
// Loaded by org.etab.gpu.cuda.CudaDevice with cuModuleLoadData; launched with cuLaunchKernel.
//
// Formula (the Java reference org.etab.gpu.cuda.NormalizeReference computes it in float64):
//   out = (x / 255 - mean[c]) / std[c]
// computed here as fmaf(x, scale[c], bias[c]) with scale = 1 / (255 std[c]) and bias = -mean[c] / std[c],
// both worked out in double on the host and rounded once to float.
//
// Layouts: channels first = [N, C, T, H, W] (or [N, C, H, W]); channels last = [N, T, H, W, C].
// `spatial` is T*H*W (or H*W); `total` = N * channels * spatial. At most 4 channels.
// Named etab_normalize_u8: never `norm` (a CUDA math function).

extern "C" __global__ void etab_normalize_u8(const unsigned char* __restrict__ src, float* __restrict__ dst,
        long long total, int channels, long long spatial, int inLast, int outLast,
        float s0, float s1, float s2, float s3, float b0, float b1, float b2, float b3)
{
    long long stride = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        long long n, s;
        int c;
        if (inLast) {
            c = (int) (i % channels);
            long long p = i / channels;
            s = p % spatial;
            n = p / spatial;
        } else {
            s = i % spatial;
            long long p = i / spatial;
            c = (int) (p % channels);
            n = p / channels;
        }
        float scale = c == 0 ? s0 : c == 1 ? s1 : c == 2 ? s2 : s3;
        float bias = c == 0 ? b0 : c == 1 ? b1 : c == 2 ? b2 : b3;
        long long o = inLast == outLast ? i
                : outLast ? (n * spatial + s) * channels + c
                : (n * channels + c) * spatial + s;
        dst[o] = fmaf((float) src[i], scale, bias);
    }
}
