package io.github.explain4j.api;

/**
 * How an image of another size becomes a model's {@code width × height} input. Whatever the policy, shrinking
 * averages each output pixel's exact source footprint and enlarging is bilinear (see {@link Images#toChw}).
 *
 * <pre>{@code
 * InputSpec.rgb(224, 224).resize(ResizePolicy.CENTER_CROP)
 * }</pre>
 */
public enum ResizePolicy {

    /** Scale each axis to fit exactly, ignoring the aspect ratio (the default). */
    STRETCH,

    /**
     * Scale by one factor so that the image covers the input (its shorter side, relative to the input, fits), then
     * keep the centre: the parts beyond the input's aspect ratio are cut off equally on both sides. The crop window
     * is centred exactly, so when the cut is an odd number of pixels its edges fall inside pixels, which count by
     * the fraction they cover.
     */
    CENTER_CROP,

    /**
     * Scale by one factor so that the whole image fits inside the input (its longer side, relative to the input,
     * fits), centre it and pad the rest with 0 in pixel space (black; the pad is then normalised like any pixel).
     * The scaled image's size is rounded to whole pixels; an odd pad leaves the extra row or column at the bottom
     * or right.
     */
    LETTERBOX
}
