package io.github.explain4j.inside;

import io.github.explain4j.api.Provenance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How well each unit of a layer detects each concept of a labelled dataset: network dissection (D. Bau, B. Zhou,
 * A. Khosla, A. Oliva, A. Torralba, "Network Dissection: Quantifying Interpretability of Deep Visual
 * Representations", CVPR 2017; after B. Zhou, A. Khosla, A. Lapedriza, A. Oliva, A. Torralba, "Object Detectors
 * Emerge in Deep Scene CNNs", ICLR 2015). Each unit {@code k}'s map is upsampled to the image (bilinear), and
 * thresholded at its top-quantile level {@code T_k} ({@link UnitThresholds}), giving the region
 * {@code M_k(x) = {S_k(x) > T_k}}; its agreement with a concept's mask {@code L_c(x)} over the whole dataset is
 * {@code IoU(k, c) = Σ_x |M_k(x) ∩ L_c(x)| / Σ_x |M_k(x) ∪ L_c(x)|}. A unit is a detector of the concept with its
 * highest IoU when that IoU passes a threshold (Bau et al. use 0.04 on Broden).
 *
 * @param thresholds the units' thresholds (with the layer, model, engine, images and quantile)
 * @param labels what the concept masks were
 * @param imageHeight the masks' height (the maps were upsampled to it)
 * @param imageWidth the masks' width
 * @param concepts the concept names, in order
 * @param intersections {@code Σ|M_k ∩ L_c|}, {@code [unit][concept]}
 * @param unions {@code Σ|M_k ∪ L_c|}, {@code [unit][concept]}
 */
public record DissectionReport(UnitThresholds thresholds, String labels, int imageHeight, int imageWidth,
        List<String> concepts, long[][] intersections, long[][] unions) {

    /** Bau et al.'s IoU threshold for calling a unit a detector of a concept. */
    public static final double BAU_THRESHOLD = 0.04;

    /**
     * A unit's score for a concept.
     *
     * @param unit the unit (channel)
     * @param concept the concept
     * @param iou {@code Σ|M ∩ L| / Σ|M ∪ L|}, 0 when the union is empty
     * @param intersection {@code Σ|M ∩ L|} in pixels
     * @param union {@code Σ|M ∪ L|} in pixels
     */
    public record UnitScore(int unit, String concept, double iou, long intersection, long union) {}

    /** Scores in rank order: higher IoU first, then lower unit, then concept name. */
    public static final Comparator<UnitScore> RANK = Comparator.comparingDouble((UnitScore s) -> -s.iou())
            .thenComparingInt(UnitScore::unit).thenComparing(UnitScore::concept);

    /** Checks and copies. */
    public DissectionReport {
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(labels, "labels");
        concepts = List.copyOf(concepts);
        int units = thresholds.units();
        if (intersections.length != units || unions.length != units) {
            throw new IllegalArgumentException("counts for " + intersections.length + " and " + unions.length
                    + " units; expected " + units);
        }
        intersections = copy(intersections, concepts.size());
        unions = copy(unions, concepts.size());
        for (int k = 0; k < units; k++) {
            for (int c = 0; c < concepts.size(); c++) {
                if (intersections[k][c] < 0 || intersections[k][c] > unions[k][c]) {
                    throw new IllegalArgumentException("unit " + k + ", concept " + concepts.get(c) + ": intersection "
                            + intersections[k][c] + " and union " + unions[k][c] + "; expected 0 ≤ ∩ ≤ ∪");
                }
            }
        }
    }

    @Override
    public long[][] intersections() {
        return copy(intersections, concepts.size());
    }

    @Override
    public long[][] unions() {
        return copy(unions, concepts.size());
    }

    /** The layer's path. */
    public String layer() {
        return thresholds.layer();
    }

    /** The number of units. */
    public int units() {
        return thresholds.units();
    }

    /** Unit {@code unit}'s score for {@code concept}. */
    public UnitScore score(int unit, String concept) {
        checkUnit(unit);
        int c = conceptIndex(concept);
        return score(unit, c);
    }

    /** {@code IoU(unit, concept)}. */
    public double iou(int unit, String concept) {
        return score(unit, concept).iou();
    }

    /** The units ranked by their IoU with {@code concept}, best first. */
    public List<UnitScore> ranking(String concept) {
        int c = conceptIndex(concept);
        List<UnitScore> out = new ArrayList<>(units());
        for (int k = 0; k < units(); k++) {
            out.add(score(k, c));
        }
        out.sort(RANK);
        return List.copyOf(out);
    }

    /** The units whose IoU with {@code concept} is at least {@code minIou}, best first. */
    public List<UnitScore> detectors(String concept, double minIou) {
        List<UnitScore> out = new ArrayList<>();
        for (UnitScore s : ranking(concept)) {
            if (s.iou() >= minIou) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /** Unit {@code unit}'s best concept (highest IoU; ties by the concepts' order). */
    public UnitScore best(int unit) {
        checkUnit(unit);
        UnitScore best = null;
        for (int c = 0; c < concepts.size(); c++) {
            UnitScore s = score(unit, c);
            if (best == null || s.iou() > best.iou()) {
                best = s;
            }
        }
        return best;
    }

    /**
     * Bau et al.'s labelling: every unit whose best concept reaches {@code minIou}, as a detector of that concept,
     * by concept (in the concepts' order, empty lists included), each list best first.
     */
    public Map<String, List<UnitScore>> detectorsByConcept(double minIou) {
        Map<String, List<UnitScore>> out = new LinkedHashMap<>();
        for (String c : concepts) {
            out.put(c, new ArrayList<>());
        }
        for (int k = 0; k < units(); k++) {
            UnitScore b = best(k);
            if (b.iou() >= minIou) {
                out.get(b.concept()).add(b);
            }
        }
        Map<String, List<UnitScore>> frozen = new LinkedHashMap<>();
        out.forEach((c, l) -> {
            l.sort(RANK);
            frozen.put(c, List.copyOf(l));
        });
        return java.util.Collections.unmodifiableMap(frozen);
    }

    /** Where the report came from, as the project's provenance record. */
    public Provenance provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("layer", thresholds.layer());
        p.put("quantile", Double.toString(thresholds.quantile()));
        p.put("images", Long.toString(thresholds.images()));
        p.put("source", thresholds.source());
        p.put("labels", labels);
        p.put("upsampling", "bilinear " + thresholds.height() + "×" + thresholds.width() + " → " + imageHeight + "×"
                + imageWidth);
        return new Provenance("Network Dissection", p, OptionalLong.empty(), thresholds.engine(), thresholds.model(),
                "units of " + thresholds.layer(), -1);
    }

    /**
     * A table: for each concept, its {@code top} best units with their IoU; then each unit's best concept count at
     * Bau's threshold.
     */
    public String table(int top) {
        if (top < 1) {
            throw new IllegalArgumentException("top was " + top + "; expected at least 1 unit per concept");
        }
        StringBuilder sb = new StringBuilder();
        int width = 8;
        for (String c : concepts) {
            width = Math.max(width, c.length() + 1);
        }
        for (String c : concepts) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s", c));
            List<UnitScore> r = ranking(c);
            for (int i = 0; i < Math.min(top, r.size()); i++) {
                sb.append(String.format(Locale.ROOT, "  unit %3d %.3f", r.get(i).unit(), r.get(i).iou()));
            }
            sb.append('\n');
        }
        Map<String, List<UnitScore>> detectors = detectorsByConcept(BAU_THRESHOLD);
        sb.append("detectors (best concept, IoU ≥ ").append(BAU_THRESHOLD).append("):");
        detectors.forEach((c, l) -> sb.append(' ').append(c).append(' ').append(l.size()));
        return sb.append('\n').toString();
    }

    @Override
    public String toString() {
        return "Network dissection of " + thresholds.layer() + " (" + units() + " units, " + thresholds.model() + " on "
                + thresholds.engine() + ", " + thresholds.images() + " images of " + thresholds.source()
                + ", top quantile " + thresholds.quantile() + ", labels " + labels + ")\n" + table(3);
    }

    private UnitScore score(int unit, int c) {
        long u = unions[unit][c];
        long i = intersections[unit][c];
        return new UnitScore(unit, concepts.get(c), u == 0 ? 0 : (double) i / u, i, u);
    }

    private void checkUnit(int unit) {
        if (unit < 0 || unit >= units()) {
            throw new IllegalArgumentException("unit was " + unit + "; layer '" + layer() + "' has " + units()
                    + " units");
        }
    }

    private int conceptIndex(String concept) {
        int c = concepts.indexOf(concept);
        if (c < 0) {
            throw new IllegalArgumentException("concept '" + concept + "' was not labelled; the concepts are "
                    + concepts);
        }
        return c;
    }

    private static long[][] copy(long[][] a, int columns) {
        long[][] out = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != columns) {
                throw new IllegalArgumentException("row " + i + " has " + a[i].length + " counts; expected one per"
                        + " concept, " + columns);
            }
            out[i] = a[i].clone();
        }
        return out;
    }
}
