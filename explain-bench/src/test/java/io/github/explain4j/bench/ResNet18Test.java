package io.github.explain4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.djl.ExplainableModel;
import org.junit.jupiter.api.Test;

/** The benchmark network is the standard ResNet-18: parameter count, output and last stage shapes. */
class ResNet18Test {

    @Test
    void hasTheStandardShapeAndParameterCount() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SequentialBlock block = ResNet18.build();
            block.initialize(manager, DataType.FLOAT32, ResNet18.INPUT_SHAPE);
            assertEquals(ResNet18.PARAMETERS, ResNet18.learnableParameters(block));
            assertEquals(ResNet18.RUNNING_STATISTICS, ResNet18.runningStatistics(block));
            assertArrayEquals(new Shape[] {new Shape(1, 1000)}, block.getOutputShapes(
                    new Shape[] {ResNet18.INPUT_SHAPE}));

            ExplainableModel model = ExplainableModel.of(block, manager, InputSpec.rgb(224, 224));
            LayerInfo last = model.lastSpatialLayer();
            assertEquals("05SequentialBlock", last.path());
            assertArrayEquals(new long[] {1, 512, 7, 7}, last.outputShape());
            assertEquals(1000, model.numClasses());
        }
    }
}
