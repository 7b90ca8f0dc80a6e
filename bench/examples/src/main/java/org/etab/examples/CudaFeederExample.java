package org.etab.examples;

// README: cuda starts
import java.nio.ByteOrder;
import java.nio.file.Path;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bytedeco.javacpp.BytePointer;
import org.etab.api.Datasets;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.Device;
import org.etab.gpu.cuda.DeviceBatch;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.FeederOptions;
import org.etab.gpu.cuda.Normalization;
import org.etab.gpu.cuda.PinnedAllocator;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;

public final class CudaFeederExample {
    public static void main(String[] args) throws Exception {
        CudaDevice.Availability gpu = CudaDevice.probe();
        if (!gpu.available()) {
            System.out.println("no usable GPU, nothing to feed: " + gpu.reason());
            return;
        }
        Path root = Path.of(args[0]);
        // what training wants: float32, ImageNet-normalized [n, 3, 32, 112, 112]; the host decodes uint8 pixels
        // into pinned memory, the GPU normalizes them
        SampleOptions asked = SampleOptions.builder().target(Target.EF).clipLength(32).fps(25).shuffle(true).build();
        FeederOptions feed = FeederOptions.builder().normalization(Normalization.matching(asked)).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CudaDevice device = new CudaDevice(0);
                OpenedDataset echonet = Datasets.open("echonet", root, "train", DeviceFeeder.hostSamples(asked));
                Pipeline pipeline = new Pipeline(echonet.source(),
                        feed.pipelineOptions(PipelineOptions.builder().batchSize(16).build()),  // room for the ring
                        registry, new PinnedAllocator(device));
                DeviceFeeder feeder = DeviceFeeder.builder().device(device).pipeline(pipeline).options(feed).build()) {
            Device.Stream train = device.newStream();                 // your training step's stream
            BytePointer firstValue = device.hostAlloc(4);
            for (int epoch = 0; epoch < 2; epoch++) {
                int batches = 0;
                // an iteration, not toIterable(): a break or an exception cancels the epoch and frees its slots
                try (BatchIterator<DeviceBatch> epochBatches =
                        pipeline.iterate(feeder.feed(pipeline.batches(epoch)), 1)) {
                    while (epochBatches.hasNext()) {
                        try (DeviceBatch batch = epochBatches.next()) { // closing hands the slot back to the feeder
                            batch.waitOn(train);                       // work on `train` now sees the whole batch
                            // a training step enqueued on `train` reads batch.pointer(), shape batch.shape(); here
                            // we copy one value back; the slot is reused only after the work issued to `train` is done
                            device.copyToHost(batch.output(), firstValue, 4, train);
                            batches++;
                        }
                    }
                }
                device.synchronize(train);
                float x0 = firstValue.asByteBuffer().order(ByteOrder.nativeOrder()).getFloat(0);
                System.out.printf("epoch %d: %d batches on %s, last batch's x[0,0,0,0,0] = %.4f%n",
                        epoch, batches, device.name(), x0);
            }
            device.hostFree(firstValue);
            device.destroy(train);
            System.out.println(pipeline.account());                    // planned=.. delivered=.. failed=..
        }
    }
}
// README: cuda ends
