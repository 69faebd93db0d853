package io.github.explain4j.samples;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.data.JobList;
import io.github.explain4j.data.ConceptMasks;
import io.github.explain4j.djl.inside.Activations;
import io.github.explain4j.djl.inside.Dissection;
import io.github.explain4j.djl.inside.Equivariance;
import io.github.explain4j.inside.DissectionReport;
import io.github.explain4j.inside.EquivarianceReport;
import io.github.explain4j.djl.inside.Filters;
import io.github.explain4j.djl.inside.TopActivations;
import io.github.explain4j.djl.inside.TopPatches;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.TopHits;
import io.github.explain4j.render.Heatmaps;
import io.github.explain4j.samples.fashion.FashionInside;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gallery's views of the networks' insides ({@code Gallery --inside}), each timed on the console:
 *
 * <ul>
 *   <li>{@code shapes-filters-ENGINE.png}: ShapesNet's sixteen first-layer kernels, in colour;</li>
 *   <li>{@code shapes-activations-ENGINE.png}: its stage2 maps for a held-out image (the image first);</li>
 *   <li>{@code shapes-top9-stage2-ENGINE.png}, {@code shapes-top9-stage3-ENGINE.png}: Zeiler &amp; Fergus' top-9
 *       patches and deconvnet projections of the eight strongest units, over 2,000 held-out shapes;</li>
 *   <li>{@code shapes-dissection-ENGINE.png}: network dissection of stage3 over 1,000 held-out shapes — for each
 *       concept, its best unit's region (top 0.5 % of its activations) outlined on six images;</li>
 *   <li>{@code shapes-equivariance-ENGINE.png}: Lenc &amp; Vedaldi's equivariance error per layer for flips, the
 *       quarter turn and rescaling by 1.25 (maps fitted on 32 held-out shapes, measured on 16 others);</li>
 *   <li>{@code fashion-top9-relu1.png} … {@code relu3.png}: the same for FashionNet over the 10,000 test images
 *       ({@link FashionInside}).</li>
 * </ul>
 */
final class InsideGallery {

    /** Held-out shapes in the top-k pass. */
    static final int SHAPES = 2000;
    /** Held-out shapes dissected. */
    static final int DISSECTED = 1000;

    private InsideGallery() {}

    /** Writes the pictures to {@code out}; returns their files. */
    static List<Path> write(String engine, Path out) throws Exception {
        List<Path> files = new ArrayList<>();
        String suffix = "-" + engine.toLowerCase(Locale.ROOT) + ".png";
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            long t = System.nanoTime();
            Path filters = out.resolve("shapes-filters" + suffix);
            Heatmaps.write(Filters.of(model, "stem/conv").image(8), filters);
            files.add(filters);
            SyntheticShapes shapes = SyntheticShapes.create(64);
            var image = shapes.sample(SyntheticShapes.TEST_SEED, 4).image();
            Path activations = out.resolve("shapes-activations" + suffix);
            var cells = new ArrayList<java.awt.image.BufferedImage>();
            cells.add(Heatmaps.grid(List.of(io.github.explain4j.api.Images.resize(image, 96, 96)), 1));
            cells.add(Activations.of(model, "stage2", image).image(32, 8, 48));
            Heatmaps.write(Heatmaps.grid(cells, 2), activations);
            files.add(activations);
            ImageSource source = ImageSource.shapes(shapes, SyntheticShapes.TEST_SEED, SHAPES);
            List<TopHits> hits = DatasetPass.over(source).batchSize(64).progress(ProgressListener.NONE)
                    .run(model, JobList.of(TopActivations.of("stage2"), TopActivations.of("stage3")));
            for (int l = 0; l < hits.size(); l++) {
                TopHits h = hits.get(l);
                Path file = out.resolve("shapes-top9-" + List.of("stage2", "stage3").get(l) + suffix);
                Heatmaps.write(TopPatches.of(model, source, h).units(h.strongestChannels().subList(0, 8))
                        .grid(3, 40, 4), file);
                files.add(file);
            }
            ImageSource dissected = ImageSource.shapes(shapes, SyntheticShapes.TEST_SEED, DISSECTED);
            Dissection dissection = Dissection.of("stage3", ConceptMasks.shapes(shapes, SyntheticShapes.TEST_SEED))
                    .progress(ProgressListener.NONE);
            DissectionReport report = dissection.run(model, dissected);
            System.out.print(report);
            Path picture = out.resolve("shapes-dissection" + suffix);
            Heatmaps.write(dissection.picture(model, dissected, report, 6), picture);
            files.add(picture);
            List<java.awt.image.BufferedImage> fit = new ArrayList<>();
            List<java.awt.image.BufferedImage> heldOut = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                (i < 32 ? fit : heldOut).add(shapes.sample(SyntheticShapes.TEST_SEED, 5000 + i).image());
            }
            EquivarianceReport eq = Equivariance.of("stem", "pool1", "stage2", "pool2", "stage3").rescale(1.25)
                    .measure(model.withProgress(ProgressListener.NONE), fit, heldOut);
            Path plot = out.resolve("shapes-equivariance" + suffix);
            Heatmaps.write(eq.plot("ShapesNet: equivariance error per layer (Lenc & Vedaldi)", 720, 420), plot);
            files.add(plot);
            System.out.printf(Locale.ROOT, "ShapesNet insides on %s: %.1f s%n", engine, (System.nanoTime() - t) / 1e9);
        }
        FashionInside.main(new String[] {engine, "test", out.toString()});
        for (String name : List.of("relu1", "relu2", "relu3")) {
            files.add(out.resolve("fashion-top9-" + name + ".png"));
        }
        return files;
    }
}
