package dev.tally.bench.password;

import dev.tally.kernel.crypto.PasswordHasher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The password grant's bound: one Argon2id verification at the default cost (7 MiB, 5 iterations, one lane), the
 * hasher alone, on one thread. Its rate times the cores is the most password grants a server can answer per second;
 * the password grant's measured rate is read against it (BENCHMARKS.md).
 *
 * <p>Run: {@code benchmarks/run-password-hasher.sh} (JMH options after it, e.g. {@code -t 2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PasswordHasherBenchmark {
    private final PasswordHasher hasher = PasswordHasher.defaults();
    private final String encoded = hasher.hash("correct horse battery staple");

    @Benchmark
    public boolean verify() {
        return hasher.verify("correct horse battery staple", encoded);
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Options options = new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(PasswordHasherBenchmark.class.getName() + ".*")
                .build();
        new Runner(options).run();
    }
}
