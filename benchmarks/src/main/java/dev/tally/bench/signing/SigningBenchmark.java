package dev.tally.bench.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.token.signing.SignatureProvider;
import dev.tally.token.signing.TenantSigningKey;
import dev.tally.token.signing.TokenSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One access token signed as the token path signs it ({@link TokenSigner} with a tenant's key opened by
 * {@link TenantSigningKey}: claims, JSON, base64url, the signature), on one thread, by the provider
 * {@link SignatureProvider} chooses ({@code auto}: AWS-LC where it loads) or by the JDK's ({@code jdk}). Each
 * combination runs in a JVM of its own, so each chooses afresh.
 *
 * <p>Run: {@code benchmarks/run-signing.sh} (JMH options after it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SigningBenchmark {
    private static final MasterKey MASTER = MasterKey.fromBase64(Base64.getEncoder()
            .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Param({"jdk", "auto"})
    public String provider;

    @Param({"ES256", "RS256"})
    public String alg;

    private final TokenSigner signer = new TokenSigner();
    private TenantSigningKey key;

    @Setup(Level.Trial)
    public void open() throws JOSEException {
        System.setProperty(SignatureProvider.SETTING, provider);
        SigningAlgorithm algorithm = SigningAlgorithm.valueOf(alg);
        JWK jwk = algorithm == SigningAlgorithm.ES256
                ? new ECKeyGenerator(Curve.P_256).keyID("bench").algorithm(JWSAlgorithm.ES256).generate()
                : new RSAKeyGenerator(2048).keyID("bench").algorithm(JWSAlgorithm.RS256).generate();
        String sealed = MASTER.seal(jwk.toJSONString().getBytes(StandardCharsets.UTF_8),
                SigningKeyAdded.associatedData("bench", "bench"));
        key = TenantSigningKey.unseal(new SigningKeyAdded("bench", "bench", algorithm,
                jwk.toPublicJWK().toJSONString(), sealed, NOW), MASTER);
    }

    @Benchmark
    public String accessToken() {
        return signer.accessToken(key, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "https://tally.test/t/bench",
                "user-1", "client-1", List.of("https://api.bench.test"), "read write", NOW, 300, "sid-1",
                "rtf_family").value();
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Options options = new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(SigningBenchmark.class.getName() + ".*")
                .build();
        new Runner(options).run();
    }
}
