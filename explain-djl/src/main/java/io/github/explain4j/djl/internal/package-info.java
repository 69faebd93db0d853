/** Helpers of the DJL binding that are not API: they may change in any release. */
package io.github.explain4j.djl.internal;
