package dev.twitterarch.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bytes on a socket, for the requests {@link java.net.http.HttpClient} refuses to send: a path with
 * {@code %00} or {@code %zz}, a query that is not valid percent-encoding, TRACE, a header twice,
 * an HTTP/0.9 request line. The request goes out as written (ISO-8859-1, one byte per char) and the
 * whole answer is read until the server closes the connection, so requests say
 * {@code Connection: close}.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** The answer as read: the status line, header lines, and the body with any chunked coding undone. */
    public record Reply(String statusLine, List<String> headers, String body) {

        public int status() {
            String[] parts = statusLine.split(" ");
            return parts.length > 1 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
        }

        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(line -> line.substring(prefix.length()).strip()).findFirst().orElse(null);
        }

        private java.util.Map<String, List<String>> byName() {
            java.util.Map<String, List<String>> byName = new java.util.HashMap<>();
            for (String line : headers) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    byName.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                            .add(line.substring(colon + 1).strip());
                }
            }
            return byName;
        }

        public ApiClient.Response response() {
            String contentType = header("Content-Type");
            return new ApiClient.Response(status(), contentType == null ? "" : contentType, body, byName());
        }
    }

    public static Reply send(int port, String request) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            byte[] answer = readAll(socket.getInputStream());
            // parsed one char per byte, so chunk sizes (in bytes) hold; the body is decoded as UTF-8 at the end
            return parse(new String(answer, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new IllegalStateException("raw request failed: " + e + "\n" + request, e);
        }
    }

    /** A request line plus Host and Connection: close, then the given header lines, no body. */
    public static String request(String requestLine, String... headerLines) {
        StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nConnection: close\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    private static Reply parse(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        String head = end < 0 ? answer : answer.substring(0, end);
        String body = end < 0 ? "" : answer.substring(end + 4);
        List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
        String statusLine = lines.remove(0);
        Reply reply = new Reply(statusLine, lines, body);
        if ("chunked".equalsIgnoreCase(reply.header("Transfer-Encoding"))) {
            body = dechunk(body);
        }
        return new Reply(statusLine, lines, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
