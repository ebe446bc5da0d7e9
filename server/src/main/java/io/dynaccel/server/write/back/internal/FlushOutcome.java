package io.dynaccel.server.write.back.internal;

/**
 * What became of one item handed to {@link BatchFlusher#flush}.
 *
 * @param item the item as it was handed in
 * @param result where it went
 */
public record FlushOutcome(FlushItem item, FlushResult result) {}
