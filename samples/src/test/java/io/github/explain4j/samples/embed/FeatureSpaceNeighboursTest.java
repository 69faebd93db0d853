package io.github.explain4j.samples.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.embed.NearestNeighbours;
import io.github.explain4j.inside.LayerFeatures;
import io.github.explain4j.samples.fashion.FashionMnist;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * cs231n's comparison on Fashion-MNIST: 5-nearest-neighbour accuracy in FashionNet's penultimate feature space
 * (relu3 flattened, 3,136 values) against pixel space (784 values), the first 8,000 test images as reference and
 * the last 2,000 as queries. Measured (PyTorch): 0.864 in feature space, 0.8085 in pixels; both engines must beat
 * pixels by at least 3 points and give the same accuracy within 0.5 point.
 */
class FeatureSpaceNeighboursTest {

    private static final int REFERENCE = 8000;
    private static final int QUERIES = 2000;

    @Test
    void featureSpaceBeatsPixelSpaceByThreePointsOnBothEngines() throws Exception {
        Path dir = FashionMnist.locate(FashionMnist.Split.TEST);
        FashionMnist test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        float[][] pixels = new float[test.size()][784];
        int[] labels = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            test.copyScaled(new int[] {i}, 0, 1, pixels[i]);
            labels[i] = test.label(i);
        }
        double pixelAccuracy = accuracy(pixels, labels);
        double[] featureAccuracy = new double[2];
        String[] engines = {"PyTorch", "MXNet"};
        for (int e = 0; e < 2; e++) {
            LayerFeatures codes = FashionEmbedding.fashionNetCodes(engines[e], dir);
            assertArrayEquals(labels, codes.labels(), "rows in the order of the test images");
            featureAccuracy[e] = accuracy(codes.rows(), labels);
            System.out.printf("5-NN accuracy, %s features %.4f, pixels %.4f%n", engines[e], featureAccuracy[e],
                    pixelAccuracy);
            assertTrue(featureAccuracy[e] >= pixelAccuracy + 0.03, engines[e] + ": features " + featureAccuracy[e]
                    + ", pixels " + pixelAccuracy);
        }
        assertTrue(Math.abs(featureAccuracy[0] - featureAccuracy[1]) <= 0.005, Arrays.toString(featureAccuracy));
    }

    private static double accuracy(float[][] rows, int[] labels) {
        int n = rows.length;
        return NearestNeighbours.k(5).accuracy(Arrays.copyOfRange(rows, 0, REFERENCE),
                Arrays.copyOfRange(labels, 0, REFERENCE), Arrays.copyOfRange(rows, n - QUERIES, n),
                Arrays.copyOfRange(labels, n - QUERIES, n));
    }
}
