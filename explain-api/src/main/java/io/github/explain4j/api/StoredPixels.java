package io.github.explain4j.api;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PackedColorModel;
import java.awt.image.Raster;

/**
 * The colour values of an image as its raster stores them, scaled to [0, 1], delivered row by row as planes of one
 * (grey) or three (R, G, B) bands.
 *
 * <ul>
 *   <li>Grey and RGB images (any layout, 1 to 32 bits per unsigned integer sample, or float samples): each sample
 *       divided by its maximum {@code 2^bits − 1}, with no colour-space conversion.
 *   <li>Palette images: the palette's 8-bit entries; a palette whose entries are all grey gives one band.
 *   <li>Alpha is not applied: straight colours are taken as stored; premultiplied colours are divided by their
 *       alpha to give the straight colour (0 where alpha is 0).
 *   <li>Other colour spaces (CMYK, Lab, …) store no RGB to read: Java2D converts them to 8-bit sRGB.
 * </ul>
 */
final class StoredPixels {

    private static final String[] TYPE_NAMES = {"TYPE_CUSTOM", "TYPE_INT_RGB", "TYPE_INT_ARGB",
        "TYPE_INT_ARGB_PRE", "TYPE_INT_BGR", "TYPE_3BYTE_BGR", "TYPE_4BYTE_ABGR", "TYPE_4BYTE_ABGR_PRE",
        "TYPE_USHORT_565_RGB", "TYPE_USHORT_555_RGB", "TYPE_BYTE_GRAY", "TYPE_USHORT_GRAY", "TYPE_BYTE_BINARY",
        "TYPE_BYTE_INDEXED"};

    private enum Kind { SAMPLES, PALETTE, CONVERTED }

    /** {@code (float) (s / 255.0)} for every 8-bit sample s: the division done once. */
    private static final float[] EIGHT_BIT = new float[256];

    static {
        for (int s = 0; s < 256; s++) {
            EIGHT_BIT[s] = (float) (s / 255.0);
        }
    }

    private final BufferedImage image;
    private final Raster raster;
    private final Kind kind;
    private final int bands;
    private final int width;
    /** Per raster band, the sample value that means 1 (integer samples), or 1 (float samples). */
    private final double[] maximum;
    private final boolean floating;
    private final boolean unsigned32;
    /** The raster band holding premultiplied alpha, or −1. */
    private final int premultipliedAlpha;
    /** Palette entries per band in [0, 1], indexed by pixel value. */
    private final float[][] palette;
    private final int[] intRow;
    private final float[] floatRow;
    private final float[] alphaRow;
    /** 8-bit samples in one byte per sample (grey, BGR, ABGR rasters): their array, read directly; else null. */
    private final byte[] bytes;
    private final ComponentSampleModel byteLayout;

    private StoredPixels(BufferedImage image) {
        this.image = image;
        this.raster = image.getRaster();
        this.width = image.getWidth();
        this.intRow = new int[width];
        ColorModel cm = image.getColorModel();
        int dataType = raster.getSampleModel().getDataType();
        int spaceType = cm.getColorSpace().getType();
        if (cm instanceof IndexColorModel icm) {
            kind = Kind.PALETTE;
            palette = palette(icm);
            bands = palette.length;
        } else if ((cm instanceof ComponentColorModel || cm instanceof PackedColorModel)
                && (spaceType == ColorSpace.TYPE_GRAY || spaceType == ColorSpace.TYPE_RGB)) {
            if (dataType != DataBuffer.TYPE_BYTE && dataType != DataBuffer.TYPE_USHORT
                    && dataType != DataBuffer.TYPE_INT && dataType != DataBuffer.TYPE_FLOAT
                    && dataType != DataBuffer.TYPE_DOUBLE) {
                throw new IllegalArgumentException("image of type " + typeName(image) + " stores "
                        + (dataType == DataBuffer.TYPE_SHORT ? "signed 16-bit" : "data type " + dataType)
                        + " samples, which have no defined [0, 1] scale; convert it first, e.g. draw it into a"
                        + " TYPE_USHORT_GRAY (grey) or TYPE_INT_RGB (colour) BufferedImage");
            }
            kind = Kind.SAMPLES;
            palette = null;
            bands = cm.getNumColorComponents();
            floating = dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE;
            unsigned32 = dataType == DataBuffer.TYPE_INT;
            maximum = new double[cm.getNumComponents()];
            for (int b = 0; b < maximum.length; b++) {
                maximum[b] = floating ? 1 : (double) ((1L << cm.getComponentSize(b)) - 1);
            }
            premultipliedAlpha = cm.hasAlpha() && cm.isAlphaPremultiplied() ? bands : -1;
            floatRow = floating ? new float[width] : null;
            alphaRow = premultipliedAlpha >= 0 ? new float[width] : null;
            boolean direct = raster.getDataBuffer() instanceof DataBufferByte
                    && raster.getSampleModel() instanceof ComponentSampleModel
                    && raster.getDataBuffer().getNumBanks() == 1;
            for (int b = 0; direct && b < maximum.length; b++) {
                direct = maximum[b] == 255;
            }
            bytes = direct ? ((DataBufferByte) raster.getDataBuffer()).getData() : null;
            byteLayout = direct ? (ComponentSampleModel) raster.getSampleModel() : null;
            return;
        } else {
            kind = Kind.CONVERTED;
            palette = null;
            bands = 3;
        }
        floating = false;
        unsigned32 = false;
        maximum = null;
        premultipliedAlpha = -1;
        floatRow = null;
        alphaRow = null;
        bytes = null;
        byteLayout = null;
    }

    /** The stored pixels of an image; fails naming the image type when its samples have no [0, 1] scale. */
    static StoredPixels of(BufferedImage image) {
        return new StoredPixels(image);
    }

    /** 1 for grey images and grey palettes, else 3 (R, G, B). */
    int bands() {
        return bands;
    }

    /** The image width. */
    int width() {
        return width;
    }

    /** The image height. */
    int height() {
        return image.getHeight();
    }

    /** Fills {@code out[b·width + x]} with band {@code b} of pixel {@code (x, y)}, in [0, 1]. */
    void row(int y, float[] out) {
        switch (kind) {
            case SAMPLES -> samples(y, out);
            case PALETTE -> {
                raster.getSamples(0, y, width, 1, 0, intRow);
                for (int b = 0; b < bands; b++) {
                    float[] entries = palette[b];
                    for (int x = 0; x < width; x++) {
                        out[b * width + x] = entries[intRow[x]];
                    }
                }
            }
            case CONVERTED -> {
                image.getRGB(0, y, width, 1, intRow, 0, width);
                for (int x = 0; x < width; x++) {
                    out[x] = ((intRow[x] >> 16) & 0xff) / 255f;
                    out[width + x] = ((intRow[x] >> 8) & 0xff) / 255f;
                    out[2 * width + x] = (intRow[x] & 0xff) / 255f;
                }
            }
        }
    }

    private void samples(int y, float[] out) {
        if (premultipliedAlpha >= 0) {
            band(y, premultipliedAlpha, alphaRow, 0);
        }
        for (int b = 0; b < bands; b++) {
            band(y, b, out, b * width);
            if (premultipliedAlpha >= 0) {
                for (int x = 0; x < width; x++) {
                    float alpha = alphaRow[x];
                    out[b * width + x] = alpha > 0 ? Math.min(1f, out[b * width + x] / alpha) : 0f;
                }
            }
        }
    }

    /** Writes raster band {@code b} of row {@code y}, scaled to [0, 1], to {@code out} from {@code offset}. */
    private void band(int y, int b, float[] out, int offset) {
        if (floating) {
            raster.getSamples(0, y, width, 1, b, floatRow);
            System.arraycopy(floatRow, 0, out, offset, width);
            return;
        }
        if (bytes != null) {
            // where getSamples would read them: the sample model's offset of (x, y) in the raster's translation
            int at = byteLayout.getOffset(-raster.getSampleModelTranslateX(), y - raster.getSampleModelTranslateY(),
                    b) + raster.getDataBuffer().getOffset();
            int stride = byteLayout.getPixelStride();
            for (int x = 0; x < width; x++, at += stride) {
                out[offset + x] = EIGHT_BIT[bytes[at] & 0xff];
            }
            return;
        }
        raster.getSamples(0, y, width, 1, b, intRow);
        double max = maximum[b];
        if (max == 255) {
            for (int x = 0; x < width; x++) {
                int sample = intRow[x];
                out[offset + x] = (sample & ~0xff) == 0 ? EIGHT_BIT[sample] : (float) (sample / max);
            }
            return;
        }
        for (int x = 0; x < width; x++) {
            long sample = unsigned32 ? Integer.toUnsignedLong(intRow[x]) : intRow[x];
            out[offset + x] = (float) (sample / max);
        }
    }

    /** The palette's entries as one band when they are all grey, else as R, G, B. */
    private static float[][] palette(IndexColorModel icm) {
        int size = 1 << Math.min(icm.getPixelSize(), 16);
        int mapSize = icm.getMapSize();
        int[] rgb = new int[size];
        boolean grey = true;
        for (int i = 0; i < Math.min(size, mapSize); i++) {
            rgb[i] = icm.getRGB(i);
            int r = (rgb[i] >> 16) & 0xff;
            grey &= r == ((rgb[i] >> 8) & 0xff) && r == (rgb[i] & 0xff);
        }
        float[][] bands = new float[grey ? 1 : 3][size];
        for (int i = 0; i < size; i++) {
            for (int b = 0; b < bands.length; b++) {
                bands[b][i] = ((rgb[i] >> (16 - 8 * b)) & 0xff) / 255f;
            }
        }
        return bands;
    }

    private static String typeName(BufferedImage image) {
        int type = image.getType();
        return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "TYPE_" + type;
    }
}
