package io.github.explain4j.data;

import java.awt.image.BufferedImage;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The small sources: a limit on another, images in memory or behind an {@code Iterable}, the synthetic shapes. */
final class Sources {

    private Sources() {}

    static void checkFirst(long first) {
        if (first < 0) {
            throw new IllegalArgumentException("first image was " + first + "; expected an index ≥ 0");
        }
    }

    static ImageSource limit(ImageSource source, long count) {
        if (count <= 0) {
            throw new IllegalArgumentException("limit was " + count + "; expected a positive number of images");
        }
        return new ImageSource() {
            @Override
            public long size() {
                long n = source.size();
                return n < 0 ? -1 : Math.min(n, count);
            }

            @Override
            public String description() {
                return "first " + count + " of " + source.description();
            }

            @Override
            public List<String> classes() {
                return source.classes();
            }

            @Override
            public Stream<DatasetItem> stream(long first) {
                checkFirst(first);
                if (first >= count) {
                    return Stream.empty();
                }
                return source.stream(first).limit(count - first);
            }
        };
    }

    static ImageSource iterable(Iterable<BufferedImage> images, int[] labels, List<String> classes) {
        return new ImageSource() {
            private long size = images instanceof Collection<?> c ? c.size() : -1;

            @Override
            public synchronized long size() {
                if (size < 0) {
                    long n = 0;
                    for (Iterator<BufferedImage> it = images.iterator(); it.hasNext(); it.next()) {
                        n++;
                    }
                    size = n;
                }
                return size;
            }

            @Override
            public String description() {
                return (labels == null ? "images" : "labelled images") + " in memory"
                        + (images instanceof Collection<?> c ? " (" + c.size() + ")" : "");
            }

            @Override
            public List<String> classes() {
                return classes;
            }

            @Override
            public Stream<DatasetItem> stream(long first) {
                checkFirst(first);
                Iterator<BufferedImage> it = images.iterator();
                Iterator<DatasetItem> items = new Iterator<>() {
                    private long index;

                    @Override
                    public boolean hasNext() {
                        while (index < first && it.hasNext()) {
                            it.next();
                            index++;
                        }
                        return it.hasNext();
                    }

                    @Override
                    public DatasetItem next() {
                        hasNext();
                        BufferedImage image = it.next();
                        long i = index++;
                        if (image == null) {
                            throw new NullPointerException("image " + i + " of the source was null; pass decoded"
                                    + " images (Images.read(path) reads a file)");
                        }
                        int label = labels == null ? DatasetItem.UNLABELLED : labels[(int) i];
                        return new DatasetItem(i, image, label, "#" + i);
                    }
                };
                return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false);
            }
        };
    }

    static ImageSource shapes(SyntheticShapes shapes, long seed, int count) {
        return new ImageSource() {
            @Override
            public long size() {
                return count;
            }

            @Override
            public String description() {
                return "synthetic shapes " + shapes.size() + "px, split " + seed + " (" + count + ")";
            }

            @Override
            public List<String> classes() {
                return SyntheticShapes.CLASSES;
            }

            @Override
            public Stream<DatasetItem> stream(long first) {
                checkFirst(first);
                return LongStream.range(Math.min(first, count), count).mapToObj(i -> {
                    SyntheticShapes.Sample s = shapes.sample(seed, (int) i);
                    return new DatasetItem(i, s.image(), s.label(), "shapes:" + seed + ":" + i);
                });
            }
        };
    }
}
