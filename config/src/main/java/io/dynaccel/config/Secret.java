package io.dynaccel.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component of the configuration that holds a secret value, so that
 * {@link DynaccelConfig#redacted()} shows that it is set but never what it is. Marking the
 * component where it is declared keeps the rule next to the secret: a new secret setting is
 * redacted by annotating it, not by remembering a list elsewhere.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@interface Secret {
}
