package io.github.explain4j.djl.data;

import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Attributor;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.Npy;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.render.Heatmaps;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * Any attribution method over a whole dataset, written to files as it goes: for image {@code i},
 * {@code maps/i.npy} (the attribution, {@code (C, H, W)} float32, readable with {@code numpy.load}) and, if asked,
 * {@code heatmaps/i.png}; one line per image in {@code attributions.tsv} (index, name, label, file, shape), added
 * only once the image's files are complete. Run again on the same directory, it reads that manifest and goes on
 * from the first image without a line — an interrupted run (cancelled by interrupting its thread, or killed)
 * loses nothing already written and computes nothing twice. A directory written by another method, target,
 * source or model is refused.
 *
 * <pre>{@code
 * DatasetAttribution.Summary s = DatasetAttribution.of(GradCam.at("stage3"), Target.topPrediction())
 *         .batchSize(32).heatmaps(true).write(model, ImageSource.folder(photos), Path.of("out/gradcam"));
 * }</pre>
 */
public final class DatasetAttribution {

    /** The manifest's name in the output directory. */
    public static final String MANIFEST = "attributions.tsv";

    private final Attributor<ExplainableModel, BufferedImage> method;
    private final Target target;
    private final int batchSize;
    private final boolean heatmaps;
    private final ProgressListener progress;

    private DatasetAttribution(Attributor<ExplainableModel, BufferedImage> method, Target target, int batchSize,
            boolean heatmaps, ProgressListener progress) {
        this.method = method;
        this.target = target;
        this.batchSize = batchSize;
        this.heatmaps = heatmaps;
        this.progress = progress;
    }

    /** {@code method} with {@code target} on every image; 16 images per call, no PNGs. */
    public static DatasetAttribution of(Attributor<ExplainableModel, BufferedImage> method, Target target) {
        Objects.requireNonNull(method, "method was null; pass an attribution method, e.g. GradCam.at(layer)");
        Objects.requireNonNull(target, "target was null; pass e.g. Target.topPrediction()");
        return new DatasetAttribution(method, target, 16, false, null);
    }

    /**
     * How many images each call of the method explains.
     *
     * @throws IllegalArgumentException unless positive
     */
    public DatasetAttribution batchSize(int images) {
        if (images <= 0) {
            throw new IllegalArgumentException("batch size was " + images + "; expected a positive number of images");
        }
        return new DatasetAttribution(method, target, images, heatmaps, progress);
    }

    /** Whether to write a PNG heatmap beside each map. */
    public DatasetAttribution heatmaps(boolean write) {
        return new DatasetAttribution(method, target, batchSize, write, progress);
    }

    /** Where progress goes (instead of the model's listener). */
    public DatasetAttribution progress(ProgressListener listener) {
        Objects.requireNonNull(listener, "listener was null; pass ProgressListener.NONE for none");
        return new DatasetAttribution(method, target, batchSize, heatmaps, listener);
    }

    /**
     * What a run did.
     *
     * @param dir the output directory
     * @param written images written by this run
     * @param resumedFrom images already written before it
     */
    public record Summary(Path dir, long written, long resumedFrom) {}

    /**
     * Explains every image of {@code source} into {@code dir} (created if needed), resuming what is there.
     *
     * @throws CancellationException when the thread was interrupted; what was written stays
     * @throws IllegalStateException when {@code dir} holds another run's manifest
     * @throws UncheckedIOException when a file cannot be written
     */
    public Summary write(ExplainableModel model, ImageSource source, Path dir) {
        Objects.requireNonNull(model, "model was null; pass the model to explain");
        Objects.requireNonNull(source, "source was null; pass the images to explain");
        Objects.requireNonNull(dir, "dir was null; pass the directory to write the attributions to");
        String settings = method instanceof AttributionMethod am ? " " + new java.util.TreeMap<>(am.parameters()) : "";
        String key = "# " + method.name() + settings + " | target " + target.describe() + " | " + source.description()
                + " | model " + model.name() + " on " + model.engine();
        try {
            Files.createDirectories(dir.resolve("maps"));
            if (heatmaps) {
                Files.createDirectories(dir.resolve("heatmaps"));
            }
            Path manifest = dir.resolve(MANIFEST);
            long done = resume(manifest, key);
            long first = done;
            ProgressListener listener = progress != null ? progress : model.progress();
            String task = method.name() + " over " + source.description();
            long total = source.size();
            listener.progress(task, done, total);
            try (Prefetch batches = Prefetch.start(source, done, batchSize, null);
                    BufferedWriter out = Files.newBufferedWriter(manifest, StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                Prefetch.Prepared b;
                while ((b = batches.next()) != null) {
                    List<BufferedImage> images = new ArrayList<>(b.items().size());
                    for (DatasetItem item : b.items()) {
                        images.add(item.image());
                    }
                    List<Attribution> maps = method.explain(model, images, target);
                    for (int i = 0; i < maps.size(); i++) {
                        DatasetItem item = b.items().get(i);
                        Attribution a = maps.get(i);
                        String file = "maps/" + item.index() + ".npy";
                        Npy.write(dir.resolve(file), a.values(), a.channels(), a.height(), a.width());
                        if (heatmaps) {
                            Heatmaps.write(Heatmaps.render(a), dir.resolve("heatmaps/" + item.index() + ".png"));
                        }
                        out.write(item.index() + "\t" + clean(item.name()) + "\t" + item.label() + "\t" + file + "\t"
                                + a.channels() + "x" + a.height() + "x" + a.width() + "\n");
                    }
                    out.flush();
                    done += maps.size();
                    listener.progress(task, done, total);
                    if (Thread.currentThread().isInterrupted()) {
                        throw new CancellationException(task + " was cancelled after " + done + " images; they are"
                                + " in " + dir + ", run it again to go on");
                    }
                }
            }
            return new Summary(dir, done - first, first);
        } catch (IOException e) {
            throw new UncheckedIOException("attributions could not be written to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String clean(String name) {
        return name.replace('\t', ' ').replace('\n', ' ');
    }

    /**
     * Reads the manifest: the number of complete lines (which must be images 0, 1, …), after cutting off a line
     * left half-written; a new manifest starts with the run's key.
     */
    private static long resume(Path manifest, String key) throws IOException {
        if (!Files.exists(manifest)) {
            Files.writeString(manifest, key + "\nindex\tname\tlabel\tfile\tshape\n", StandardCharsets.UTF_8);
            return 0;
        }
        String text = Files.readString(manifest, StandardCharsets.UTF_8);
        int cut = text.lastIndexOf('\n') + 1;
        if (cut < text.length()) {
            text = text.substring(0, cut);
            Files.writeString(manifest, text, StandardCharsets.UTF_8);
        }
        String[] lines = text.split("\n");
        if (lines.length < 2 || !lines[0].equals(key)) {
            throw new IllegalStateException(manifest + " belongs to another run (" + (lines.length == 0 ? "empty"
                    : lines[0]) + "); this run is " + key + ". Write to another directory, or delete it to start"
                    + " afresh");
        }
        long n = 0;
        for (int i = 2; i < lines.length; i++) {
            long index = Long.parseLong(lines[i].substring(0, lines[i].indexOf('\t')));
            if (index != n) {
                throw new IllegalStateException(manifest + " line " + (i + 1) + " is image " + index + " where image "
                        + n + " was due; the manifest was edited — delete the directory to start afresh");
            }
            n++;
        }
        return n;
    }
}
