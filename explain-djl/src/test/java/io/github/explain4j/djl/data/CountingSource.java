package io.github.explain4j.djl.data;

import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** A source that counts the images it hands out: how the resume tests see what a pass read again. */
final class CountingSource implements ImageSource {

    private final ImageSource inner;
    private final AtomicLong read;

    CountingSource(ImageSource inner, AtomicLong read) {
        this.inner = inner;
        this.read = read;
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public Stream<DatasetItem> stream(long first) {
        return inner.stream(first).peek(i -> read.incrementAndGet());
    }
}
