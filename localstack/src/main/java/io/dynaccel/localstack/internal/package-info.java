/** Pieces behind {@link io.dynaccel.localstack.Dynalite}; not an API, may change without notice. */
package io.dynaccel.localstack.internal;
