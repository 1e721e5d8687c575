package dev.tally.transport;

import dev.tally.platform.logging.RequestLogContext;
import dev.tally.platform.logging.RequestLogFilter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandCallback;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandResultMessage;
import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.axonframework.commandhandling.callbacks.LoggingCallback;
import org.axonframework.common.Registration;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MessageHandler;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command bus that handles nothing itself: each command is sent to the command service's
 * {@value CommandTransport#PATH} (see {@link CommandTransport} for the protocol), which dispatches it on its own bus to
 * the aggregate and answers with the result or the failure. The caller's thread waits for the answer, as it would for
 * {@code SimpleCommandBus}, and the callback gets what an in-process dispatch would have given: the result, or the same
 * exception types ({@code ConcurrencyException}, {@code AggregateNotFoundException}, {@code NotFound}, ...).
 * <p>
 * A connection that cannot be made or is lost, and an answer that does not come within the timeout, are
 * {@link CommandServiceUnavailable}; the token service answers those {@code 503}. Nothing is retried here: a command
 * is not known to be safe to send twice (a timeout may come after the command service has decided).
 */
public class HttpCommandBus implements CommandBus {
    private static final Logger LOG = LoggerFactory.getLogger(HttpCommandBus.class);

    private final URI endpoint;
    private final ServiceToken token;
    private final Serializer serializer;
    private final Duration timeout;
    private final HttpClient http;
    private final List<MessageDispatchInterceptor<? super CommandMessage<?>>> dispatchInterceptors =
            new CopyOnWriteArrayList<>();

    /**
     * @param commandService the command service's base URL, e.g. {@code http://command-service:8081}
     * @param serializer the application's message serializer (the command service must use the same format)
     * @param timeout how long to wait for one command's answer
     */
    public HttpCommandBus(URI commandService, ServiceToken token, Serializer serializer, Duration connectTimeout,
                          Duration timeout) {
        String base = commandService.toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + CommandTransport.PATH);
        this.token = token;
        this.serializer = serializer;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public <C> void dispatch(CommandMessage<C> command) {
        dispatch(command, LoggingCallback.INSTANCE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <C, R> void dispatch(CommandMessage<C> command, CommandCallback<? super C, ? super R> callback) {
        CommandMessage<C> message = command;
        for (MessageDispatchInterceptor<? super CommandMessage<?>> interceptor : dispatchInterceptors) {
            message = (CommandMessage<C>) interceptor.handle(message);
        }
        CommandResultMessage<R> result;
        try {
            result = GenericCommandResultMessage.asCommandResultMessage(send(message));
        } catch (RuntimeException e) {
            result = GenericCommandResultMessage.asCommandResultMessage(e);
        }
        callback.onResult(message, result);
    }

    private Object send(CommandMessage<?> command) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Authorization", "Bearer " + token.value())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(CommandTransport.writeRequest(command, serializer)));
        // the command service's lines for this command carry the id of the request that caused it
        String requestId = RequestLogContext.requestId();
        HttpRequest request = (requestId == null ? builder : builder.header(RequestLogFilter.HEADER, requestId)).build();
        HttpResponse<byte[]> response;
        String name = command.getPayloadType().getSimpleName();
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new CommandServiceUnavailable("no answer from the command service at " + endpoint + " within " + timeout
                    + " for " + name + "; it may or may not have been carried out", e);
        } catch (IOException e) {
            throw new CommandServiceUnavailable("the command service at " + endpoint + " cannot be reached for " + name
                    + " (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandServiceUnavailable("interrupted while waiting for the command service for " + name, e);
        }
        try {
            return CommandTransport.readResponse(response.statusCode(), response.body(), serializer);
        } catch (CommandNotAccepted e) {
            LOG.error("the command service did not accept {} (HTTP {}): {}", name, e.status(), e.getMessage());
            throw e;
        }
    }

    /** This bus handles no commands: the aggregates live in the command service. */
    @Override
    public Registration subscribe(String commandName, MessageHandler<? super CommandMessage<?>> handler) {
        throw new NoHandlerForCommandException("this process sends its commands to the command service and handles none; "
                + "a handler for " + commandName + " was registered here by mistake");
    }

    @Override
    public Registration registerDispatchInterceptor(MessageDispatchInterceptor<? super CommandMessage<?>> interceptor) {
        dispatchInterceptors.add(interceptor);
        return () -> dispatchInterceptors.remove(interceptor);
    }

    /** No handlers run in this process, so handler interceptors have nothing to intercept. */
    @Override
    public Registration registerHandlerInterceptor(MessageHandlerInterceptor<? super CommandMessage<?>> interceptor) {
        return () -> true;
    }
}
