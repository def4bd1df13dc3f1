package io.github.dropnet.kernels;

/**
 * Direct-loop convolution and max pooling, written straight from the formulas of the fixtures'
 * FORMAT.md, independently of {@link ConvGeometry} and the im2col kernels: one scalar loop nest
 * per quantity, explicit padding arithmetic, index functions for both layouts.
 */
final class ReferenceConv {
  final int n;
  final int h;
  final int w;
  final int c;
  final int kh;
  final int kw;
  final int sh;
  final int sw;
  final int dh;
  final int dw;
  final boolean same;
  final boolean channelsFirst;
  final int oh;
  final int ow;
  final int padTop;
  final int padLeft;

  ReferenceConv(
      int n, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw, boolean same,
      boolean channelsFirst) {
    this.n = n;
    this.h = h;
    this.w = w;
    this.c = c;
    this.kh = kh;
    this.kw = kw;
    this.sh = sh;
    this.sw = sw;
    this.dh = dh;
    this.dw = dw;
    this.same = same;
    this.channelsFirst = channelsFirst;
    int ekh = (kh - 1) * dh + 1;
    int ekw = (kw - 1) * dw + 1;
    if (same) {
      oh = (int) Math.ceil(h / (double) sh);
      ow = (int) Math.ceil(w / (double) sw);
      padTop = Math.max((oh - 1) * sh + ekh - h, 0) / 2;
      padLeft = Math.max((ow - 1) * sw + ekw - w, 0) / 2;
    } else {
      oh = (int) Math.floor((h - ekh) / (double) sh) + 1;
      ow = (int) Math.floor((w - ekw) / (double) sw) + 1;
      padTop = 0;
      padLeft = 0;
    }
  }

  ConvGeometry geometry() {
    return ConvGeometry.of(n, c, h, w, kh, kw, sh, sw, dh, dw, same);
  }

  /** Index into an image tensor of {@code ch} channels and {@code hh x ww} positions. */
  int index(int b, int y, int x, int ch, int channels, int hh, int ww) {
    return channelsFirst
        ? ((b * channels + ch) * hh + y) * ww + x
        : ((b * hh + y) * ww + x) * channels + ch;
  }

  int in(int b, int y, int x, int ch) {
    return index(b, y, x, ch, c, h, w);
  }

  int out(int b, int i, int j, int o, int filters) {
    return index(b, i, j, o, filters, oh, ow);
  }

  int weight(int a, int bb, int ch, int o, int filters) {
    return ((a * kw + bb) * c + ch) * filters + o;
  }

  boolean inside(int y, int x) {
    return y >= 0 && y < h && x >= 0 && x < w;
  }

  double[] forward(double[] x, double[] k, double[] bias, int filters) {
    double[] y = new double[n * oh * ow * filters];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int o = 0; o < filters; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int a = 0; a < kh; a++) {
              for (int bb = 0; bb < kw; bb++) {
                int yy = i * sh + a * dh - padTop;
                int xx = j * sw + bb * dw - padLeft;
                if (!inside(yy, xx)) {
                  continue;
                }
                for (int ch = 0; ch < c; ch++) {
                  s += x[in(b, yy, xx, ch)] * k[weight(a, bb, ch, o, filters)];
                }
              }
            }
            y[out(b, i, j, o, filters)] = s;
          }
        }
      }
    }
    return y;
  }

  /** Returns {dx, dk, db}. */
  double[][] backward(double[] x, double[] k, double[] dy, int filters) {
    double[] dx = new double[x.length];
    double[] dk = new double[k.length];
    double[] db = new double[filters];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int o = 0; o < filters; o++) {
            double g = dy[out(b, i, j, o, filters)];
            db[o] += g;
            for (int a = 0; a < kh; a++) {
              for (int bb = 0; bb < kw; bb++) {
                int yy = i * sh + a * dh - padTop;
                int xx = j * sw + bb * dw - padLeft;
                if (!inside(yy, xx)) {
                  continue;
                }
                for (int ch = 0; ch < c; ch++) {
                  dx[in(b, yy, xx, ch)] += g * k[weight(a, bb, ch, o, filters)];
                  dk[weight(a, bb, ch, o, filters)] += g * x[in(b, yy, xx, ch)];
                }
              }
            }
          }
        }
      }
    }
    return new double[][] {dx, dk, db};
  }

  /** Max pooling (dilation ignored): returns {out, argmax as doubles}. */
  double[][] maxPool(double[] x) {
    double[] y = new double[n * oh * ow * c];
    double[] arg = new double[y.length];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double best = Double.NEGATIVE_INFINITY;
            int bestIndex = -1;
            for (int a = 0; a < kh; a++) {
              for (int bb = 0; bb < kw; bb++) {
                int yy = i * sh + a - padTop;
                int xx = j * sw + bb - padLeft;
                if (inside(yy, xx) && (bestIndex < 0 || x[in(b, yy, xx, ch)] > best)) {
                  best = x[in(b, yy, xx, ch)];
                  bestIndex = in(b, yy, xx, ch);
                }
              }
            }
            y[out(b, i, j, ch, c)] = best;
            arg[out(b, i, j, ch, c)] = bestIndex;
          }
        }
      }
    }
    return new double[][] {y, arg};
  }

  @Override
  public String toString() {
    return "n=" + n + " h=" + h + " w=" + w + " c=" + c + " k=" + kh + "x" + kw + " s=" + sh + ","
        + sw + " d=" + dh + "," + dw + (same ? " SAME" : " VALID")
        + (channelsFirst ? " channels_first" : " channels_last");
  }
}
