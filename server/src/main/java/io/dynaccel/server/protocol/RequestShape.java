package io.dynaccel.server.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a request type table: the declared wire type of a member plus the syntactic
 * constraints DynamoDB checks on it.
 *
 * <p>This mirrors dynalite's {@code validations/<op>.js} objects one to one, including the type
 * strings ({@code "Map<AttributeValue>"}, {@code "ValueStruct<KeysAndAttributes>"}) because those
 * strings end up verbatim in DynamoDB's error messages, and including declaration order because it
 * decides which error is reported first.
 */
final class RequestShape {

  /** A constraint in declaration order; {@code arg} depends on {@code name}. */
  record Constraint(String name, Object arg) {}

  final String type;
  final String kind;
  final String subtype;
  /** True for shapes that dynalite declares as a bare type string: they carry no constraints. */
  final boolean opaque;

  RequestShape element;
  final Map<String, RequestShape> members = new LinkedHashMap<>();
  final List<Constraint> constraints = new ArrayList<>();

  private RequestShape(String type, boolean opaque) {
    this.type = type;
    this.opaque = opaque;
    // Same split as dynalite's /(.+?)<(.+)>$/: kind up to the first '<', subtype up to the last '>'.
    int lt = type.indexOf('<');
    if (lt > 0 && type.endsWith(">")) {
      this.kind = type.substring(0, lt);
      this.subtype = type.substring(lt + 1, type.length() - 1);
    } else {
      this.kind = type;
      this.subtype = null;
    }
  }

  /** A shape with constraints or children, like dynalite's {@code {type: ..., ...}} objects. */
  static RequestShape of(String type) {
    return new RequestShape(type, false);
  }

  /** A bare type, like dynalite's {@code 'String'} or {@code 'Boolean'} table entries. */
  static RequestShape bare(String type) {
    return new RequestShape(type, true);
  }

  RequestShape notNull() {
    constraints.add(new Constraint("notNull", Boolean.TRUE));
    return this;
  }

  RequestShape regex(String pattern) {
    constraints.add(new Constraint("regex", pattern));
    return this;
  }

  RequestShape minLength(int n) {
    constraints.add(new Constraint("lengthGreaterThanOrEqual", n));
    return this;
  }

  RequestShape maxLength(int n) {
    constraints.add(new Constraint("lengthLessThanOrEqual", n));
    return this;
  }

  RequestShape min(int n) {
    constraints.add(new Constraint("greaterThanOrEqual", n));
    return this;
  }

  RequestShape enumOf(String... values) {
    constraints.add(new Constraint("enum", List.of(values)));
    return this;
  }

  /** Constraints every key of a map must satisfy (dynalite's {@code keys}). */
  RequestShape keys(Constraint... keyConstraints) {
    constraints.add(new Constraint("keys", List.of(keyConstraints)));
    return this;
  }

  /** Constraints every value of a map must satisfy (dynalite's {@code values}). */
  RequestShape values(Constraint... valueConstraints) {
    constraints.add(new Constraint("values", List.of(valueConstraints)));
    return this;
  }

  /** Element shape of a list or map. */
  RequestShape children(RequestShape child) {
    this.element = child;
    return this;
  }

  /** Adds a member of a structure; members are checked in the order they are added. */
  RequestShape member(String name, RequestShape shape) {
    members.put(name, shape);
    return this;
  }
}
