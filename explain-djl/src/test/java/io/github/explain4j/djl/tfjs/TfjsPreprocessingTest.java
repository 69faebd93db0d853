package io.github.explain4j.djl.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The TF.js preprocessing reads pixel values as stored (issue 8.4): a grey image is not passed through sRGB. */
class TfjsPreprocessingTest {

    @Test
    void aGreyFaceCropReachesTheEmotionModelAsStored() {
        BufferedImage grey = new BufferedImage(80, 80, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 80; x++) {
                grey.getRaster().setSample(x, y, 0, 64);
            }
        }
        float[] in = TfjsPreprocessing.emotionInput(grey, new Rectangle(8, 8, 64, 64));
        // stored 64 → 64/255 in every channel → grey 64/255 → (g − 0.5)·2; getRGB gave 137/255 (0.0745 vs −0.498)
        double expected = ((0.2989 + 0.5870 + 0.1140) * 64 / 255.0 - 0.5) * 2; // the model's grey weights
        for (float v : in) {
            assertEquals(expected, v, 1e-5);
        }
    }

    @Test
    void rgbPixelsAreSampledBilinearlyAsBefore() {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0x000000);
        rgb.setRGB(1, 0, 0xff0000);
        float[] in = TfjsPreprocessing.mobileNetV2Input(rgb, 3);
        // align-corners sampling across the two pixels: red 0, 0.5, 1 in each row; green and blue 0
        assertEquals(0.0, in[0], 1e-6);
        assertEquals(0.5, in[1], 1e-6);
        assertEquals(1.0, in[2], 1e-6);
        assertEquals(0.0, in[9 + 1], 1e-6);
    }
}
