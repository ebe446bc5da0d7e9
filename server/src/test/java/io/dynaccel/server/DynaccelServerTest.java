package io.dynaccel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynaccelServerTest {

  @Test
  void strategies_whenNoTableConfigured_namesTheBuiltInDefault() {
    assertThat(DynaccelServer.strategies(ConfigLoader.load(new String[0], Map.of())))
        .isEqualTo("write strategy write-through by default");
  }

  @Test
  void strategies_whenEveryTableEntryAndOwnEntries_namesTheDefaultThenEachTable() {
    String[] args = {"--set", "tables.*.writeStrategy=write-back", "--set", "tables.Orders.writeStrategy=invalidate",
        "--set", "tables.Users.itemTtl=30s"};

    assertThat(DynaccelServer.strategies(ConfigLoader.load(args, Map.of())))
        .isEqualTo("write strategy write-back by default, Orders invalidate, Users write-back");
  }
}
