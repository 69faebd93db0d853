package io.github.explain4j.djl.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.internal.InputChecks;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * One way to run a model over a dataset: the images of an {@link ImageSource} go through the model
 * {@link #batchSize batchSize} at a time, streaming (the next batch is read and normalised on a second thread
 * while the model runs; memory is bounded by a few batches whatever the dataset's size), and each batch's
 * activations of the layers a {@link DatasetJob} asks for reach the job on the heap — folded into its accumulator
 * on a third thread, one batch at a time and in order, while the model runs the next batch. Every view over a dataset
 * (top-k patches, dissection, embeddings) and the attribution of a whole dataset
 * ({@link DatasetAttribution}) go through it.
 *
 * <pre>{@code
 * ImageSource test = ImageSource.idx(images, labels);
 * TopPatches top = DatasetPass.over(test).batchSize(256)
 *         .checkpoint(Path.of("stage3-top9.ckpt"))        // resumable
 *         .run(model, TopActivations.of("stage3"));
 * }</pre>
 *
 * <p><b>Progress</b> (images done of the source's size) goes to the listener set here, else to the model's.
 * <b>Cancelling</b>: interrupt the running thread; the pass stops after the batch in progress, writes its
 * checkpoint and throws {@link CancellationException}. <b>Resuming</b>: with a checkpoint file the pass saves
 * the job's state and the number of images done, at most every {@link #checkpointEvery} (10 s by default),
 * when cancelled and at the end; run again with the same job, source, model and file, it restores that state
 * and reads the source from the first image not done — nothing already folded in is computed again, and a
 * finished pass returns its result without running the model. A checkpoint of another job, source or model is
 * refused.
 */
public final class DatasetPass {

    private static final int DEFAULT_BATCH = 64;
    private static final Duration DEFAULT_EVERY = Duration.ofSeconds(10);

    private final ImageSource source;
    private final int batchSize;
    private final ProgressListener progress;
    private final Path checkpoint;
    private final Duration every;

    private DatasetPass(ImageSource source, int batchSize, ProgressListener progress, Path checkpoint,
            Duration every) {
        this.source = source;
        this.batchSize = batchSize;
        this.progress = progress;
        this.checkpoint = checkpoint;
        this.every = every;
    }

    /** A pass over {@code source}: 64 images per batch, no checkpoint, the model's progress listener. */
    public static DatasetPass over(ImageSource source) {
        Objects.requireNonNull(source, "source was null; pass e.g. ImageSource.folder(dir) or ImageSource.idx(…)");
        return new DatasetPass(source, DEFAULT_BATCH, null, null, DEFAULT_EVERY);
    }

    /**
     * How many images go through the model at once.
     *
     * @throws IllegalArgumentException unless positive
     */
    public DatasetPass batchSize(int images) {
        if (images <= 0) {
            throw new IllegalArgumentException("batch size was " + images + "; expected a positive number of images,"
                    + " e.g. 64");
        }
        return new DatasetPass(source, images, progress, checkpoint, every);
    }

    /** Where progress goes (instead of the model's listener). */
    public DatasetPass progress(ProgressListener listener) {
        Objects.requireNonNull(listener, "listener was null; pass ProgressListener.NONE for none");
        return new DatasetPass(source, batchSize, listener, checkpoint, every);
    }

    /** Saves the job's state to {@code file} as the pass goes, and resumes from it (see the class comment). */
    public DatasetPass checkpoint(Path file) {
        Objects.requireNonNull(file, "checkpoint file was null; pass the path to save the pass's state to");
        return new DatasetPass(source, batchSize, progress, file, every);
    }

    /**
     * The longest time between two checkpoints ({@link Duration#ZERO}: after every batch).
     *
     * @throws IllegalArgumentException for a negative duration
     */
    public DatasetPass checkpointEvery(Duration interval) {
        Objects.requireNonNull(interval, "interval was null; pass e.g. Duration.ofSeconds(10)");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("checkpoint interval was " + interval + "; expected ≥ 0");
        }
        return new DatasetPass(source, batchSize, progress, checkpoint, interval);
    }

    /** The source. */
    public ImageSource source() {
        return source;
    }

    /** The batch size. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Runs {@code job} over the source.
     *
     * @throws CancellationException when the thread was interrupted (after saving the checkpoint, if any)
     * @throws IllegalArgumentException when a layer of the job is unknown to the model, or the model rejects the
     *     input spec
     * @throws IllegalStateException when the checkpoint file belongs to another pass
     */
    public <R> R run(ExplainableModel model, DatasetJob<R> job) {
        Objects.requireNonNull(model, "model was null; pass the model to run over the dataset");
        Objects.requireNonNull(job, "job was null; pass e.g. TopActivations.of(layer)");
        DatasetJob.Accumulator<R> acc = job.start(model);
        List<String> names = acc.layers();
        Map<String, String> paths = new LinkedHashMap<>();
        for (String name : names) {
            paths.put(name, model.seam().resolveLayer(name));
        }
        String key = job.description() + " | " + source.description() + " | model " + model.name() + " on "
                + model.engine();
        long next = checkpoint == null ? 0 : Checkpoint.restore(checkpoint, key, acc);
        long total = source.size();
        if (total >= 0 && next >= total) {
            return acc.result();
        }
        InputChecks.firstPass(model::outputShape, model.spec(), model.name());
        ProgressListener listener = progress != null ? progress : model.progress();
        String task = job.description();
        listener.progress(task, next, total);
        long lastSave = System.nanoTime();
        try (Prefetch batches = Prefetch.start(source, next, batchSize, model::toInputValues);
                Folding folding = new Folding(acc)) {
            Prefetch.Prepared b;
            while ((b = next(batches, folding, checkpoint, key, next, acc)) != null) {
                folding.fold(forward(model, b, paths)); // once the previous batch is folded in
                next = b.items().get(b.items().size() - 1).index() + 1; // through the model, being folded in
                listener.progress(task, next, total);
                boolean cancelled = Thread.currentThread().isInterrupted();
                if (checkpoint != null && (cancelled || System.nanoTime() - lastSave >= every.toNanos())) {
                    folding.await();
                    Checkpoint.save(checkpoint, key, next, acc);
                    lastSave = System.nanoTime();
                }
                if (cancelled) {
                    folding.await();
                    throw new CancellationException(task + " was cancelled after " + next + " images"
                            + (checkpoint == null ? "" : "; its state is saved in " + checkpoint + ", run it again"
                            + " to resume"));
                }
            }
            folding.await();
        }
        if (checkpoint != null) {
            Checkpoint.save(checkpoint, key, next, acc);
        }
        return acc.result();
    }

    /**
     * Runs one batch of images through the model and folds it into {@code accumulator}: the step a pass repeats,
     * for callers that hold their own partition of a dataset (a Spark partition, a test).
     *
     * @throws IllegalArgumentException when the items are empty, or a layer of the accumulator is unknown
     */
    public static <R> void feed(ExplainableModel model, List<DatasetItem> items, DatasetJob.Accumulator<R> accumulator) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(accumulator, "accumulator");
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("no images were given; pass a non-empty batch");
        }
        Map<String, String> paths = new LinkedHashMap<>();
        for (String name : accumulator.layers()) {
            paths.put(name, model.seam().resolveLayer(name));
        }
        List<java.awt.image.BufferedImage> images = new ArrayList<>(items.size());
        for (DatasetItem item : items) {
            images.add(item.image());
        }
        accumulator.add(forward(model, new Prefetch.Prepared(items, model.toInputValues(images)), paths));
    }

    /** The next batch; when the wait for it is interrupted, the state so far is saved before cancelling. */
    private static Prefetch.Prepared next(Prefetch batches, Folding folding, Path checkpoint, String key, long done,
            DatasetJob.Accumulator<?> acc) {
        try {
            return batches.next();
        } catch (CancellationException e) {
            folding.await();
            if (checkpoint != null) {
                Checkpoint.save(checkpoint, key, done, acc);
            }
            throw new CancellationException("the pass was cancelled after " + done + " images" + (checkpoint == null
                    ? "" : "; its state is saved in " + checkpoint + ", run it again to resume"));
        }
    }

    /** One batch through the model up to the last asked-for layer; the activations copied to the heap. */
    private static LayerBatch forward(ExplainableModel model, Prefetch.Prepared b, Map<String, String> paths) {
        List<DatasetItem> items = b.items();
        Map<String, LayerValues> layers = model.call(scope -> {
            NDArray x = HeapArrays.create(scope, b.input(), model.inputShape(items.size()))
                    .toType(model.seam().dataType(), false);
            Map<String, LayerValues> out = new LinkedHashMap<>();
            List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(paths.values()));
            if (distinct.isEmpty()) {
                model.seam().forward(scope, x);
                return out;
            }
            if (distinct.size() == 1) {
                // one layer: the plain forward up to it (no trace bookkeeping; the copy to the heap reads any
                // engine layout)
                LayerValues v = heap(model.seam().activation(scope, x, distinct.get(0)), distinct.get(0), items.size());
                for (String name : paths.keySet()) {
                    out.put(name, out.isEmpty() ? v : new LayerValues(v.values().clone(), v.images(), v.channels(),
                            v.height(), v.width())); // each name its own array, as with several layers
                }
                return out;
            }
            Trace t = model.seam().trace(scope, TraceRequest.of(x).capture(distinct.toArray(String[]::new))
                    .stopAfterCaptures());
            for (Map.Entry<String, String> e : paths.entrySet()) {
                out.put(e.getKey(), heap(t.activation(e.getValue()), e.getKey(), items.size()));
            }
            return out;
        });
        return new LayerBatch(items, layers);
    }

    private static LayerValues heap(NDArray a, String layer, int n) {
        long[] s = a.getShape().getShape();
        if (s.length < 2 || s.length > 4 || s[0] != n) {
            throw new IllegalArgumentException("layer '" + layer + "' gives shape " + Arrays.toString(s) + "; a"
                    + " dataset pass reads (N, C, H, W) feature maps or (N, C) vectors");
        }
        int c = (int) s[1];
        int h = s.length > 2 ? (int) s[2] : 1;
        int w = s.length > 3 ? (int) s[3] : 1;
        return new LayerValues(a.toType(DataType.FLOAT32, false).toFloatArray(), n, c, h, w);
    }
}
