package io.dynaccel.bench;

import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.FillTicket;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Heap used by the item cache per item, against the raw size of the item (its JSON as DynamoDB
 * returns it): one million items of about 1 KB, then of about 100 bytes.
 *
 * <p>Run with {@code bench/run.sh memory} (it gives the JVM a 6 GiB heap).
 */
public final class MemoryFootprint {

  private MemoryFootprint() {}

  /** Measures and prints the footprint. */
  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    System.out.println("Item cache memory footprint, " + count + " items each:");
    measure(count, 1_000);
    measure(count, 100);
  }

  private static void measure(int count, int targetItemBytes) {
    long before = usedHeap();
    ItemCache cache = new ItemCache(Long.MAX_VALUE / 4, (table, exists) -> Duration.ofHours(1), Duration.ofSeconds(11), System::nanoTime);
    long rawBytes = 0;
    for (int i = 0; i < count; i++) {
      String key = String.format(Locale.ROOT, "user-%08d", i);
      String prefix = "{\"pk\":{\"S\":\"" + key + "\"},\"n\":{\"N\":\"" + i + "\"},\"payload\":{\"S\":\"";
      int fill = Math.max(0, targetItemBytes - prefix.length() - 4);
      byte[] item = (prefix + "x".repeat(fill) + "\"}}").getBytes(StandardCharsets.UTF_8);
      rawBytes += item.length;
      ItemKey itemKey = new ItemKey("Users", "S" + key.length() + ":" + key, "");
      FillTicket ticket = cache.beginFill(itemKey);
      cache.completeFill(ticket, CachedItem.present(item));
    }
    cache.cleanUp();
    long after = usedHeap();
    double perItem = (after - before) / (double) count;
    double rawPerItem = rawBytes / (double) count;
    System.out.printf(Locale.ROOT, "  items of %,.0f raw bytes: %,.0f heap bytes per item, overhead %.1f%% over the raw item (cache size %,d entries, weigher says %,d bytes)%n",
        rawPerItem, perItem, 100 * (perItem - rawPerItem) / rawPerItem, cache.size(), cache.weightedSize());
    if (cache.size() != count) {
      throw new IllegalStateException("expected " + count + " entries, cache holds " + cache.size());
    }
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
