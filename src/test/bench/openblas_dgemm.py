"""GFLOP/s of OpenBLAS dgemm (through PyTorch float64) on the matrix products of the reference
workloads: the physical bound the README's performance section compares dropnet's GEMM with.

usage: python3 src/test/bench/openblas_dgemm.py [--threads 1,2] [--seconds 1.0]

The shapes and their names are those of io.github.dropnet.bench.GemmBench, so the two outputs
line up row by row; each figure is the best of five timed blocks of about --seconds / 5.

OpenBLAS picks its kernels from the CPU it detects; on a virtual CPU it may not recognise, it
falls back to old ones (OPENBLAS_VERBOSE=2 prints the choice, e.g. "Core: Prescott", SSE3).
OPENBLAS_CORETYPE=SkylakeX in the environment selects its AVX-512 kernels where the CPU has them.
"""
import argparse
import ctypes
import time

import torch

# name, transA, transB, m, n, k: C (m x n) = op(A) (m x k) . op(B) (k x n)
SHAPES = [
    ("L1.fwd", False, False, 256, 1024, 784),
    ("L1.dW", True, False, 784, 1024, 256),
    ("L1.dx", False, True, 256, 784, 1024),
    ("L3.fwd", False, False, 12544, 64, 288),
    ("L3.dW", True, False, 288, 64, 12544),
    ("L3.dx", False, True, 12544, 288, 64),
]


def operand(trans, rows, cols, gen):
    """A rows x cols operand, stored transposed when trans (as the row-major caller has it)."""
    if trans:
        return torch.rand(cols, rows, dtype=torch.float64, generator=gen).t()
    return torch.rand(rows, cols, dtype=torch.float64, generator=gen)


def rate(name, trans_a, trans_b, m, n, k, seconds):
    gen = torch.Generator().manual_seed(1)
    a = operand(trans_a, m, k, gen)
    b = operand(trans_b, k, n, gen)
    c = torch.empty(m, n, dtype=torch.float64)
    torch.mm(a, b, out=c)
    start = time.perf_counter()
    reps = 0
    while time.perf_counter() - start < 0.2:
        torch.mm(a, b, out=c)
        reps += 1
    per_block = max(1, int(reps * seconds / 5 / 0.2))
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(per_block):
            torch.mm(a, b, out=c)
        best = min(best, (time.perf_counter() - t0) / per_block)
    return 2.0 * m * n * k / best / 1e9


def openblas():
    """The OpenBLAS library PyTorch has loaded (found in this process' memory map), or None."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "openblas" in line and ".so" in line}
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_set_num_threads"):
            return lib
    return None


def set_threads(lib, threads):
    """torch.set_num_threads does not reach Debian's OpenBLAS (a pthreads build): set both."""
    torch.set_num_threads(threads)
    if lib is not None:
        lib.openblas_set_num_threads(threads)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--seconds", type=float, default=1.0)
    args = ap.parse_args()
    torch.mm(torch.ones(2, 2, dtype=torch.float64), torch.ones(2, 2, dtype=torch.float64))
    lib = openblas()
    core = "unknown"
    if lib is not None and hasattr(lib, "openblas_get_corename"):
        lib.openblas_get_corename.restype = ctypes.c_char_p
        core = lib.openblas_get_corename().decode()
    print(f"# torch {torch.__version__}, float64, OpenBLAS core {core}")
    if lib is None:
        print("# OpenBLAS not found in this process: thread counts below may not apply to it")
    for threads in [int(t) for t in args.threads.split(",")]:
        set_threads(lib, threads)
        for shape in SHAPES:
            gflops = rate(*shape, args.seconds)
            print(f"OPENBLAS shape={shape[0]} threads={threads} gflops={gflops:.1f}")


if __name__ == "__main__":
    main()
