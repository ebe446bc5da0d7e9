package io.dynaccel.client;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

/** One accelerator node as a client sees it: where it listens and whether it is believed up. */
final class Node {

  private final URI endpoint;
  private final AtomicBoolean up = new AtomicBoolean(true);

  Node(URI endpoint) {
    this.endpoint = endpoint;
  }

  URI endpoint() {
    return endpoint;
  }

  boolean isUp() {
    return up.get();
  }

  /** Marks the node down; true if it was up until now. */
  boolean markDown() {
    return up.compareAndSet(true, false);
  }

  /** Marks the node up; true if it was down until now. */
  boolean markUp() {
    return up.compareAndSet(false, true);
  }

  @Override
  public String toString() {
    return endpoint + (isUp() ? " (up)" : " (down)");
  }
}
