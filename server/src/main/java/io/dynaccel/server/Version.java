package io.dynaccel.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this build: from the jar's manifest, or, when the classes run from a directory, from the resource Maven filled in. */
final class Version {

  private Version() {
  }

  static String current() {
    String fromJar = Version.class.getPackage().getImplementationVersion();
    if (fromJar != null) {
      return fromJar;
    }
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
