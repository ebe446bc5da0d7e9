package io.dynaccel.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a configuration record into plain maps, lists, strings, numbers and booleans, with every
 * {@link Secret} component replaced by {@value #REDACTED}.
 *
 * <p>The walk is generic over record components so a setting added later shows up without a change
 * here; what it cannot know is which new component is secret, hence the annotation at the
 * declaration. Values that are neither records nor containers are shown by their {@code toString}
 * (durations, paths, URIs), which for the configuration's own types never includes a secret.
 */
final class RedactedView {

  /** What a set secret is shown as. */
  static final String REDACTED = "(redacted)";

  private RedactedView() {
  }

  /** The record as nested, unmodifiable maps in component order. */
  static Map<String, Object> of(Record record) {
    Map<String, Object> view = new LinkedHashMap<>();
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      Object value = read(record, component);
      view.put(component.getName(), component.isAnnotationPresent(Secret.class) ? redact(value) : convert(value));
    }
    return Collections.unmodifiableMap(view);
  }

  private static Object read(Record record, RecordComponent component) {
    try {
      return component.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("configuration record " + record.getClass().getSimpleName() + " has an unreadable component "
          + component.getName(), e);
    }
  }

  /** Absent stays absent (an operator may need to see that no session token is required); present is hidden. */
  private static Object redact(Object value) {
    if (value == null || value instanceof Optional<?> optional && optional.isEmpty()) {
      return null;
    }
    return REDACTED;
  }

  private static Object convert(Object value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Record record) {
      return of(record);
    }
    if (value instanceof Optional<?> optional) {
      return optional.map(RedactedView::convert).orElse(null);
    }
    if (value instanceof Collection<?> collection) {
      List<Object> list = new ArrayList<>(collection.size());
      collection.forEach(element -> list.add(convert(element)));
      return Collections.unmodifiableList(list);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> converted = new LinkedHashMap<>();
      map.forEach((key, element) -> converted.put(String.valueOf(key), convert(element)));
      return Collections.unmodifiableMap(converted);
    }
    if (value instanceof Enum<?> constant) {
      return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    if (value instanceof Duration duration) {
      return duration.toString();
    }
    return value.toString();
  }
}
