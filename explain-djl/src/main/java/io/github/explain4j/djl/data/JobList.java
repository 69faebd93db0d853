package io.github.explain4j.djl.data;

import io.github.explain4j.djl.ExplainableModel;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Several jobs of one kind in one pass over the dataset — e.g. the top-k patches of three layers: each batch runs
 * through the model once, up to the deepest layer any job reads, and every job receives it.
 *
 * <pre>{@code
 * List<TopHits> hits = DatasetPass.over(test).run(model,
 *         JobList.of(TopActivations.of("relu1"), TopActivations.of("relu2"), TopActivations.of("relu3")));
 * }</pre>
 *
 * @param <R> each job's result
 */
public final class JobList<R> implements DatasetJob<List<R>> {

    private static final long serialVersionUID = 1L;

    private final List<DatasetJob<R>> jobs;

    private JobList(List<DatasetJob<R>> jobs) {
        this.jobs = jobs;
    }

    /**
     * The jobs, run together; the result lists their results in this order.
     *
     * @throws IllegalArgumentException when no job is given
     */
    @SafeVarargs
    public static <R> JobList<R> of(DatasetJob<R>... jobs) {
        Objects.requireNonNull(jobs, "jobs");
        if (jobs.length == 0) {
            throw new IllegalArgumentException("no jobs were given; pass at least one");
        }
        for (int i = 0; i < jobs.length; i++) {
            Objects.requireNonNull(jobs[i], "job " + i + " was null");
        }
        return new JobList<>(List.of(jobs));
    }

    @Override
    public String description() {
        return jobs.stream().map(DatasetJob::description).collect(Collectors.joining(" + "));
    }

    @Override
    public Accumulator<List<R>> start(ExplainableModel model) {
        List<Accumulator<R>> parts = new ArrayList<>();
        for (DatasetJob<R> job : jobs) {
            parts.add(job.start(model));
        }
        return new All<>(parts);
    }

    private static final class All<R> implements Accumulator<List<R>> {
        private final List<Accumulator<R>> parts;

        All(List<Accumulator<R>> parts) {
            this.parts = parts;
        }

        @Override
        public List<String> layers() {
            LinkedHashSet<String> all = new LinkedHashSet<>();
            for (Accumulator<R> p : parts) {
                all.addAll(p.layers());
            }
            return List.copyOf(all);
        }

        @Override
        public void add(LayerBatch batch) {
            for (Accumulator<R> p : parts) {
                p.add(batch);
            }
        }

        @Override
        public void merge(Accumulator<List<R>> other) {
            if (!(other instanceof All<?> o) || o.parts.size() != parts.size()) {
                throw new IllegalArgumentException("cannot merge " + other + " into a list of " + parts.size()
                        + " jobs; merge accumulators of the same job");
            }
            for (int i = 0; i < parts.size(); i++) {
                @SuppressWarnings("unchecked")
                Accumulator<R> p = (Accumulator<R>) o.parts.get(i);
                parts.get(i).merge(p);
            }
        }

        @Override
        public List<R> result() {
            List<R> out = new ArrayList<>();
            for (Accumulator<R> p : parts) {
                out.add(p.result());
            }
            return out;
        }

        @Override
        public void write(DataOutput out) throws IOException {
            for (Accumulator<R> p : parts) {
                p.write(out);
            }
        }

        @Override
        public void read(DataInput in) throws IOException {
            for (Accumulator<R> p : parts) {
                p.read(in);
            }
        }
    }
}
