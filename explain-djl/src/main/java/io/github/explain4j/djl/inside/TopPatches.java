package io.github.explain4j.djl.inside;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.djl.CustomTarget;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.backprop.Deconvnet;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.inside.ReceptiveField;
import io.github.explain4j.inside.TopHits;
import io.github.explain4j.inside.UnitPatches;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

/**
 * Zeiler & Fergus' Figure 2 from a dataset's {@link TopHits}: for each unit, each top activation's image patch
 * cropped to the unit's exact receptive field ({@link ReceptiveFields}) and its deconvnet projection — that one
 * activation kept, every other activation of the layer set to zero, sent down to the pixels with the deconvnet
 * rule ({@link Deconvnet}: ReLUs applied to the backward signal, max-pooling through the forward pass's
 * switches). One more pass over the dataset reads only the images of the hits; projections run in batches of
 * {@code batchSize} hits, so memory holds the crops, not the images.
 *
 * <pre>{@code
 * TopHits hits = DatasetPass.over(test).run(model, TopActivations.of("12LambdaBlock"));
 * UnitPatches fig = TopPatches.of(model, test, hits).units(hits.strongestChannels().subList(0, 8));
 * Heatmaps.write(fig.grid(3, 28, 4), Path.of("layer3.png"));
 * }</pre>
 *
 * <p>Needs a model made of DJL blocks whose ReLUs the deconvnet rule reaches (see {@link Deconvnet}). Each patch
 * is placed where it lies in the unit's unclipped field, on grey, so every patch of a layer has the field's
 * size; near the border part of the field is padding.
 *
 * <p>M. D. Zeiler, R. Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014,
 * arXiv:1311.2901.
 */
public final class TopPatches {

    private static final float GREY = 0.5f;

    private final ExplainableModel model;
    private final ImageSource source;
    private final TopHits hits;
    private final int batchSize;

    private TopPatches(ExplainableModel model, ImageSource source, TopHits hits, int batchSize) {
        this.model = model;
        this.source = source;
        this.hits = hits;
        this.batchSize = batchSize;
    }

    /**
     * The figure of {@code hits}, found by a pass of {@code model} over {@code source}.
     *
     * @throws IllegalArgumentException when the hits are of another model
     */
    public static TopPatches of(ExplainableModel model, ImageSource source, TopHits hits) {
        Objects.requireNonNull(model, "model was null; pass the model the hits were found with");
        Objects.requireNonNull(source, "source was null; pass the dataset the hits were found in");
        Objects.requireNonNull(hits, "hits was null; pass DatasetPass.over(source).run(model, TopActivations.of(…))");
        if (!hits.model().equals(model.name())) {
            throw new IllegalArgumentException("hits were found with model '" + hits.model() + "', not '"
                    + model.name() + "'; pass the same model");
        }
        return new TopPatches(model, source, hits, 32);
    }

    /**
     * How many projections run at once.
     *
     * @throws IllegalArgumentException unless positive
     */
    public TopPatches batchSize(int projections) {
        if (projections < 1) {
            throw new IllegalArgumentException("batch size was " + projections + "; expected a positive number");
        }
        return new TopPatches(model, source, hits, projections);
    }

    /** Every unit of the layer. */
    public UnitPatches all() {
        List<Integer> units = new ArrayList<>();
        for (int c = 0; c < hits.channelCount(); c++) {
            units.add(c);
        }
        return units(units);
    }

    /**
     * The given units, in the given order.
     *
     * @throws IllegalArgumentException for a channel the layer does not have
     */
    public UnitPatches units(List<Integer> channels) {
        Objects.requireNonNull(channels, "channels was null; pass e.g. hits.strongestChannels().subList(0, 8)");
        ExplainableModel upTo = model.withOutputLayer(hits.layer());
        ReceptiveField field = ReceptiveFields.of(model, hits.layer());
        Map<Long, List<Wanted>> byImage = new HashMap<>();
        Map<Integer, UnitPatches.Patch[]> out = new LinkedHashMap<>();
        for (int c : channels) {
            List<TopHits.Hit> hs = hits.hits(c);
            out.put(c, new UnitPatches.Patch[hs.size()]);
            for (int r = 0; r < hs.size(); r++) {
                byImage.computeIfAbsent(hs.get(r).image(), i -> new ArrayList<>()).add(new Wanted(c, r, hs.get(r)));
            }
        }
        List<Pending> pending = new ArrayList<>();
        long found = 0;
        try (Stream<DatasetItem> s = source.stream()) {
            for (Iterator<DatasetItem> it = s.iterator(); it.hasNext() && found < byImage.size(); ) {
                DatasetItem item = it.next();
                List<Wanted> ws = byImage.get(item.index());
                if (ws == null) {
                    continue;
                }
                found++;
                for (Wanted w : ws) {
                    pending.add(new Pending(w, item.image()));
                    if (pending.size() == batchSize) {
                        project(upTo, field, pending, out);
                        pending.clear();
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("top patches of " + hits.layer() + " were cancelled");
                }
            }
        }
        if (found < byImage.size()) {
            throw new IllegalArgumentException("the source holds " + found + " of the " + byImage.size() + " images"
                    + " the hits name; pass the source the hits were found in (" + source.description() + ")");
        }
        if (!pending.isEmpty()) {
            project(upTo, field, pending, out);
        }
        Map<Integer, List<UnitPatches.Patch>> units = new LinkedHashMap<>();
        out.forEach((c, ps) -> units.put(c, List.of(ps)));
        return new UnitPatches(hits.layer(), model.name(), units);
    }

    private record Wanted(int channel, int rank, TopHits.Hit hit) {}

    private record Pending(Wanted wanted, BufferedImage image) {}

    /** The deconvnet projections of a batch of hits, each its own unit, and their crops. */
    private void project(ExplainableModel upTo, ReceptiveField field, List<Pending> batch,
            Map<Integer, UnitPatches.Patch[]> out) {
        int n = batch.size();
        int c = hits.channelCount();
        int plane = hits.height() * hits.width();
        float[] mask = new float[n * c * plane];
        List<BufferedImage> images = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TopHits.Hit h = batch.get(i).wanted().hit();
            mask[(i * c + batch.get(i).wanted().channel()) * plane + h.y() * hits.width() + h.x()] = 1f;
            images.add(batch.get(i).image());
        }
        Shape shape = new Shape(n, c, hits.height(), hits.width());
        CustomTarget unit = CustomTarget.of(output -> {
            NDArray m = HeapArrays.create(output.getManager(), mask, shape).toType(output.getDataType(), false);
            return output.reshape(shape).mul(m).sum(new int[] {1, 2, 3});
        }, "one activation of " + hits.layer());
        List<Attribution> maps = Deconvnet.create().explain(upTo, images, unit);
        InputSpec spec = model.spec();
        for (int i = 0; i < n; i++) {
            Wanted w = batch.get(i).wanted();
            int[] box = field.box(w.hit().y(), w.hit().x());
            float[] pixels = spec.pixels(images.get(i));
            Attribution a = maps.get(i);
            out.get(w.channel())[w.rank()] = new UnitPatches.Patch(w.hit(), box,
                    crop(pixels, spec, field, w.hit(), box, false),
                    crop(a.values(), spec, field, w.hit(), box, true), inside(a.values(), spec, box));
        }
    }

    /** The share of the projection's absolute mass inside the box. */
    private static double inside(float[] chw, InputSpec spec, int[] box) {
        int h = spec.height();
        int w = spec.width();
        double all = 0;
        double in = 0;
        for (int ch = 0; ch < spec.channels(); ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = Math.abs(chw[(ch * h + y) * w + x]);
                    all += v;
                    if (y >= box[0] && y <= box[2] && x >= box[1] && x <= box[3]) {
                        in += v;
                    }
                }
            }
        }
        return all == 0 ? 1 : in / all;
    }

    /**
     * The box of a {@code C×H×W} array placed where it lies in the unit's unclipped field (the field's size, at
     * most the image's), grey outside the image; a projection is scaled by its largest magnitude in the box.
     */
    private static BufferedImage crop(float[] chw, InputSpec spec, ReceptiveField field, TopHits.Hit hit, int[] box,
            boolean signed) {
        int h = spec.height();
        int w = spec.width();
        int ch = spec.channels();
        boolean wholeY = field.global() || field.sizeY() >= h;
        boolean wholeX = field.global() || field.sizeX() >= w;
        int fh = wholeY ? h : field.sizeY();
        int fw = wholeX ? w : field.sizeX();
        int top = wholeY ? 0 : field.startY() + hit.y() * field.jumpY();
        int left = wholeX ? 0 : field.startX() + hit.x() * field.jumpX();
        double scale = 1;
        if (signed) {
            double max = 0;
            for (int c = 0; c < ch; c++) {
                for (int y = box[0]; y <= box[2]; y++) {
                    for (int x = box[1]; x <= box[3]; x++) {
                        max = Math.max(max, Math.abs(chw[(c * h + y) * w + x]));
                    }
                }
            }
            scale = max == 0 ? 0 : 0.5 / max;
        }
        float[] cell = new float[ch * fh * fw];
        java.util.Arrays.fill(cell, GREY);
        for (int c = 0; c < ch; c++) {
            for (int y = 0; y < fh; y++) {
                for (int x = 0; x < fw; x++) {
                    int iy = top + y;
                    int ix = left + x;
                    if (iy < box[0] || iy > box[2] || ix < box[1] || ix > box[3]) {
                        continue;
                    }
                    float v = chw[(c * h + iy) * w + ix];
                    cell[(c * fh + y) * fw + x] = signed ? (float) (GREY + v * scale) : v;
                }
            }
        }
        return Images.fromChw(cell, ch, fh, fw);
    }
}
