package io.github.explain4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pixel values are read as the image stores them, for every kind of image ImageIO produces. */
class ImagesReadTest {

    private static final float EXACT = 1e-6f;

    /** A one-row image of the given type whose band {@code b} of pixel {@code x} holds {@code samples[x][b]}. */
    static BufferedImage row(int type, int[][] samples) {
        BufferedImage image = new BufferedImage(samples.length, 1, type);
        fill(image.getRaster(), samples);
        return image;
    }

    static void fill(WritableRaster raster, int[][] samples) {
        for (int x = 0; x < samples.length; x++) {
            raster.setPixel(x, 0, samples[x]);
        }
    }

    /** A one-row image with a ComponentColorModel of 16-bit samples in the given colour space. */
    static BufferedImage ushortRow(int colourSpace, boolean alpha, int[][] samples) {
        ColorSpace cs = ColorSpace.getInstance(colourSpace);
        int bands = cs.getNumComponents() + (alpha ? 1 : 0);
        int[] bits = new int[bands];
        java.util.Arrays.fill(bits, 16);
        ComponentColorModel cm = new ComponentColorModel(cs, bits, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(samples.length, 1);
        fill(raster, samples);
        return new BufferedImage(cm, raster, false, null);
    }

    static float[] over(float scale, int... stored) {
        float[] out = new float[stored.length];
        for (int i = 0; i < stored.length; i++) {
            out[i] = stored[i] / scale;
        }
        return out;
    }

    @Test
    void eightBitGreyIsReadAsStoredNotThroughAColourCurve() {
        BufferedImage grey = row(BufferedImage.TYPE_BYTE_GRAY, new int[][] {{64}, {128}, {200}});
        assertArrayEquals(over(255, 64, 128, 200), Images.toChw(grey, 1, 1, 3), EXACT);
    }

    @Test
    void greyIsReplicatedIntoThreeChannels() {
        BufferedImage grey = row(BufferedImage.TYPE_BYTE_GRAY, new int[][] {{64}, {128}, {200}});
        assertArrayEquals(over(255, 64, 128, 200, 64, 128, 200, 64, 128, 200), Images.toChw(grey, 3, 1, 3), EXACT);
    }

    @Test
    void aSubimageGivesItsOwnPixels() {
        BufferedImage grey = row(BufferedImage.TYPE_BYTE_GRAY, new int[][] {{1}, {64}, {128}, {200}, {2}});
        assertArrayEquals(over(255, 64, 128, 200), Images.toChw(grey.getSubimage(1, 0, 3, 1), 1, 1, 3), EXACT);
    }

    /** A subimage offset in both axes reads its own rows and columns, grey and interleaved BGR alike. */
    @Test
    void aSubimageOffsetInBothAxesGivesItsOwnPixels() {
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR}) {
            BufferedImage image = new BufferedImage(5, 4, type);
            int bands = image.getRaster().getNumBands();
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    for (int b = 0; b < bands; b++) {
                        image.getRaster().setSample(x, y, b, 10 * y + x + 60 * b);
                    }
                }
            }
            float[] got = Images.toChw(image.getSubimage(1, 2, 3, 2), bands, 2, 3);
            float[] want = new float[bands * 6];
            for (int b = 0; b < bands; b++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        // raster band b is R, G, B in that order for both types (Java2D's band order)
                        want[(b * 2 + y) * 3 + x] = (10 * (y + 2) + (x + 1) + 60 * b) / 255f;
                    }
                }
            }
            assertArrayEquals(want, got, EXACT, "type " + type);
        }
    }

    @Test
    void sixteenBitGreyIsScaledBy65535() {
        BufferedImage grey = row(BufferedImage.TYPE_USHORT_GRAY, new int[][] {{0}, {1000}, {32768}, {65535}});
        assertArrayEquals(over(65535, 0, 1000, 32768, 65535), Images.toChw(grey, 1, 1, 4), EXACT);
    }

    @Test
    void everyRgbLayoutGivesTheStoredSamples() {
        int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_BGR, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR};
        for (int type : types) {
            BufferedImage image = new BufferedImage(2, 1, type);
            image.setRGB(0, 0, 0xff0a141e); // (10, 20, 30)
            image.setRGB(1, 0, 0xffc86432); // (200, 100, 50)
            assertArrayEquals(over(255, 10, 200, 20, 100, 30, 50), Images.toChw(image, 3, 1, 2), EXACT,
                    "image type " + type);
        }
    }

    @Test
    void rgbToOneChannelIsItu601Luminance() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x0a141e); // 0.299·10 + 0.587·20 + 0.114·30 = 2.99 + 11.74 + 3.42 = 18.15
        image.setRGB(1, 0, 0xc86432); // 0.299·200 + 0.587·100 + 0.114·50 = 59.8 + 58.7 + 5.7 = 124.2
        assertArrayEquals(new float[] {18.15f / 255, 124.2f / 255}, Images.toChw(image, 1, 1, 2), EXACT);
    }

    @Test
    void alphaIsIgnoredTheColourSamplesAreTakenAsStored() {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x000a141e); // fully transparent (10, 20, 30)
        image.setRGB(1, 0, 0x800a141e); // half transparent
        image.setRGB(2, 0, 0xff0a141e); // opaque
        assertArrayEquals(over(255, 10, 10, 10, 20, 20, 20, 30, 30, 30), Images.toChw(image, 3, 1, 3), EXACT);
    }

    @Test
    void premultipliedColoursAreDividedByAlphaToGiveTheStraightColour() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB_PRE);
        // stored premultiplied (R, G, B, A): 64 / (128/255) = 127.5, 32 / (128/255) = 63.75
        fill(image.getRaster(), new int[][] {{64, 32, 0, 128}, {5, 5, 5, 0}});
        assertArrayEquals(new float[] {127.5f / 255, 0, 63.75f / 255, 0, 0, 0}, Images.toChw(image, 3, 1, 2), EXACT);
    }

    @Test
    void palettesGiveTheirEntries() {
        byte[] r = {10, 64, (byte) 255};
        byte[] g = {20, 64, 0};
        byte[] b = {30, 64, (byte) 128};
        IndexColorModel palette = new IndexColorModel(2, 3, r, g, b);
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        fill(image.getRaster(), new int[][] {{2}, {0}, {1}});
        assertArrayEquals(over(255, 255, 10, 64, 0, 20, 64, 128, 30, 64), Images.toChw(image, 3, 1, 3), EXACT);
    }

    @Test
    void aGreyPaletteIsReadAsGrey() {
        byte[] levels = {0, 85, (byte) 170, (byte) 255}; // what ImageIO makes of a 2-bit grey PNG
        IndexColorModel palette = new IndexColorModel(2, 4, levels, levels, levels);
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        fill(image.getRaster(), new int[][] {{3}, {1}, {2}, {0}});
        assertArrayEquals(over(255, 255, 85, 170, 0), Images.toChw(image, 1, 1, 4), 0f);
    }

    @Test
    void sixteenBitRgbIsScaledBy65535() {
        BufferedImage image = ushortRow(ColorSpace.CS_sRGB, false, new int[][] {{0, 1000, 65535}, {16448, 40000, 7}});
        assertArrayEquals(over(65535, 0, 16448, 1000, 40000, 65535, 7), Images.toChw(image, 3, 1, 2), EXACT);
    }

    @Test
    void sixteenBitGreyWithAlphaIgnoresTheAlpha() {
        BufferedImage image = ushortRow(ColorSpace.CS_GRAY, true, new int[][] {{1000, 0}, {50000, 65535}});
        assertArrayEquals(over(65535, 1000, 50000), Images.toChw(image, 1, 1, 2), EXACT);
    }

    @Test
    void packedSamplesAreScaledByTheirOwnBitDepth() {
        BufferedImage image = row(BufferedImage.TYPE_USHORT_565_RGB, new int[][] {{31, 63, 0}, {1, 2, 3}});
        assertArrayEquals(new float[] {1, 1 / 31f, 1, 2 / 63f, 0, 3 / 31f}, Images.toChw(image, 3, 1, 2), EXACT);
    }

    @Test
    void floatSamplesAreTakenAsTheyAre() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
        WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new float[] {0.25f, 0.5f, 0.125f});
        BufferedImage image = new BufferedImage(cm, raster, false, null);
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.125f}, Images.toChw(image, 3, 1, 1), 0f);
    }

    @Test
    void otherColourSpacesGoThroughJava2dsConversionToSrgb() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_PYCC), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {120, 90, 200});
        BufferedImage image = new BufferedImage(cm, raster, false, null);
        int rgb = image.getRGB(0, 0); // the documented reference: Java2D's sRGB conversion
        float[] expected = {((rgb >> 16) & 0xff) / 255f, ((rgb >> 8) & 0xff) / 255f, (rgb & 0xff) / 255f};
        assertArrayEquals(expected, Images.toChw(image, 3, 1, 1), 0f);
    }

    @Test
    void signedSamplesAreRejectedWithTheTypeAndTheFix() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), new int[] {16},
                false, false, Transparency.OPAQUE, DataBuffer.TYPE_SHORT);
        BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(2, 1), false, null);
        Throwable e = assertThrows(IllegalArgumentException.class, () -> Images.toChw(image, 1, 1, 2));
        assertTrue(e.getMessage().contains("signed 16-bit") && e.getMessage().contains("TYPE_USHORT_GRAY"),
                e.getMessage());
    }

    @Test
    void greyAndSixteenBitPngsWrittenByImageIoReadBackAsStored(@TempDir Path dir) throws IOException {
        Path grey = dir.resolve("grey.png");
        ImageIO.write(row(BufferedImage.TYPE_BYTE_GRAY, new int[][] {{64}, {128}, {200}}), "png", grey.toFile());
        assertArrayEquals(over(255, 64, 128, 200), Images.toChw(Images.read(grey), 1, 1, 3), EXACT);

        Path grey16 = dir.resolve("grey16.png");
        ImageIO.write(row(BufferedImage.TYPE_USHORT_GRAY, new int[][] {{1000}, {32768}, {65535}}), "png",
                grey16.toFile());
        assertArrayEquals(over(65535, 1000, 32768, 65535), Images.toChw(Images.read(grey16), 1, 1, 3), EXACT);

        Path rgb16 = dir.resolve("rgb16.png");
        ImageIO.write(ushortRow(ColorSpace.CS_sRGB, false, new int[][] {{1000, 2000, 3000}, {65535, 0, 40000}}),
                "png", rgb16.toFile());
        BufferedImage back = Images.read(rgb16);
        assertEquals(16, back.getColorModel().getComponentSize(0), "ImageIO should keep the 16-bit samples");
        assertArrayEquals(over(65535, 1000, 65535, 2000, 0, 3000, 40000), Images.toChw(back, 3, 1, 2), EXACT);
    }
}
