/** Small models bundled with explain4j, with their trained parameters, for demos and for measuring methods. */
package io.github.explain4j.djl.zoo;
