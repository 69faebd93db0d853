package io.github.explain4j.djl.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch engine is an optional dependency: with every {@code ai.djl.pytorch} jar removed from the class path
 * (a fresh class loader over the test class path without them), explain-djl's classes still load, link and run
 * for other engines, and loading a TorchScript file says what is missing.
 */
class TorchScriptWithoutPyTorchTest {

    private static URLClassLoader withoutPyTorch() throws MalformedURLException {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !entry.replace('\\', '/').contains("/ai/djl/pytorch/")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }

    @Test
    void explainDjlLinksAndLoadingTorchScriptSaysTheEngineIsMissing() throws Exception {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = withoutPyTorch()) {
            Thread.currentThread().setContextClassLoader(loader); // DJL finds engines with the context loader
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("ai.djl.pytorch.engine.PtSymbolBlock", false, loader));
            // loaded, verified and initialised without PyTorch
            for (String name : List.of("io.github.explain4j.djl.ExplainableModel", "io.github.explain4j.djl.Explainer",
                    "io.github.explain4j.djl.cam.GradCam", "io.github.explain4j.djl.attribution.Saliency",
                    "io.github.explain4j.djl.torchscript.TorchScriptModels")) {
                assertEquals(loader, Class.forName(name, true, loader).getClassLoader(), name);
            }
            Class<?> models = Class.forName("io.github.explain4j.djl.torchscript.TorchScriptModels", true, loader);
            Class<?> block = Class.forName("ai.djl.nn.Block", false, loader);
            Object sequential = Class.forName("ai.djl.nn.SequentialBlock", true, loader).getConstructor()
                    .newInstance();
            assertFalse((Boolean) models.getMethod("isTorchScript", block).invoke(null, sequential));
            // the guard matters: running the seam's code is what needs PyTorch
            Class<?> seam = Class.forName("io.github.explain4j.djl.torchscript.TorchScriptSeam", true, loader);
            Method of = seam.getMethod("of", block, Class.forName("ai.djl.ndarray.NDManager", false, loader),
                    java.util.function.BooleanSupplier.class);
            InvocationTargetException missing = assertThrows(InvocationTargetException.class,
                    () -> of.invoke(null, sequential, null, null));
            assertTrue(missing.getCause() instanceof NoClassDefFoundError, String.valueOf(missing.getCause()));

            Method load = models.getMethod("load", Path.class);
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> load.invoke(null, TinyCnn.file(TinyCnn.EXPORTED)));
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
            String message = e.getCause().getMessage();
            assertTrue(message.contains("PyTorch engine") && message.contains("ai.djl.pytorch:pytorch-engine")
                    && message.contains("MXNet"), message);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
