package io.dynaccel.bench;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/** Draws ranks 0..n-1 with a Zipfian distribution: rank k has weight 1/(k+1)^s. */
final class Zipf {

  private final double[] cumulative;

  Zipf(int n, double exponent) {
    cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, exponent);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
  }

  int next() {
    int at = Arrays.binarySearch(cumulative, ThreadLocalRandom.current().nextDouble());
    return Math.min(cumulative.length - 1, at >= 0 ? at : -at - 1);
  }
}
