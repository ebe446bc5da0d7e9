package io.dynaccel.client;

import java.io.IOException;
import java.net.URI;

/** Asks a node for its cluster's ownership map; a fake in tests, {@link HttpMapSource} otherwise. */
@FunctionalInterface
interface MapSource {

  /**
   * The map the node at {@code endpoint} answers.
   *
   * @return the map, or null when the node runs alone
   * @throws IOException if the node does not answer
   * @throws IllegalArgumentException if it answers something that is no map (a node too old to serve one)
   */
  OwnershipMap fetch(URI endpoint) throws IOException;
}
