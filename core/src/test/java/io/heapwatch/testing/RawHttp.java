package io.heapwatch.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A raw HTTP/1.1 client over {@link Socket}: sends exactly the bytes it is given (repeated headers, non-UTF-8 bytes,
 * odd paths, which {@link java.net.http.HttpClient} would refuse or normalize) and reads one response. Keeps the
 * connection alive and reconnects when the server closed it.
 */
public final class RawHttp implements AutoCloseable {

    /** One response: status, header lines and body. */
    public record Response(int status, List<String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        public String header(String name) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return h.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int connections;
    private String last = "";

    public RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** How many TCP connections were opened so far. */
    public int connections() {
        return connections;
    }

    /**
     * Sends {@code method target HTTP/1.1}, a Host header, the given raw header lines (each without CRLF) and an
     * empty body, and reads the response.
     */
    public Response send(String method, String target, List<byte[]> headerLines) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] line : headerLines) {
            req.writeBytes(line);
            req.writeBytes(new byte[] {'\r', '\n'});
        }
        boolean head = method.equals("HEAD");
        if (head) {
            // Jetty answers some HEAD requests it refuses (400 on an ambiguous URI) with a body: read to EOF instead.
            req.writeBytes("Connection: close\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        if (method.equals("POST") || method.equals("PUT")) {
            req.writeBytes("Content-Length: 0\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        req.writeBytes(new byte[] {'\r', '\n'});
        byte[] bytes = req.toByteArray();
        String requestLine = method + " " + target + " HTTP/1.1";
        for (int attempt = 0; ; attempt++) {
            boolean fresh = socket == null;
            if (fresh) {
                connect();
            }
            try {
                out.write(bytes);
                out.flush();
                Response r = read(head, requestLine, fresh);
                if (r == null) {
                    throw new IOException("connection closed before a response to '" + requestLine + "' on a "
                            + (fresh ? "new" : "reused") + " connection (attempt " + (attempt + 1) + "); previous: "
                            + last);
                }
                return r;
            } catch (IOException e) {
                closeQuietly();
                // a connection the server is closing (after a 400 it ends without saying so) may take two new ones
                if (attempt >= 2) {
                    throw e;
                }
            }
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        in = new BufferedInputStream(socket.getInputStream(), 16384);
        out = socket.getOutputStream();
        connections++;
    }

    private Response read(boolean head, String requestLine, boolean fresh) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            return null;
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            // Never retried: bytes that are not a response may be the server reflecting a request, which is what the
            // hostile suites are for. Say everything needed to tell what happened.
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "not a status line: '%s' for '%s' on a %s connection (local port %d, server port %d, %d"
                            + " connections, %d bytes already buffered); previous: %s",
                    statusLine,
                    requestLine,
                    fresh ? "new" : "reused",
                    socket.getLocalPort(),
                    port,
                    connections,
                    in.available(),
                    last));
        }
        int status = Integer.parseInt(parts[1]);
        List<String> headers = new ArrayList<>();
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        String h;
        while ((h = line()) != null && !h.isEmpty()) {
            headers.add(h);
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        byte[] body;
        if (head) {
            body = in.readAllBytes();
            close = true;
        } else if (status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else if (chunked) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (n == 0) {
                    while ((h = line()) != null && !h.isEmpty()) {
                        // trailers
                    }
                    break;
                }
                b.writeBytes(in.readNBytes(n));
                line();
            }
            body = b.toByteArray();
        } else if (contentLength >= 0) {
            body = in.readNBytes((int) contentLength);
        } else {
            body = in.readAllBytes();
            close = true;
        }
        if (close) {
            closeQuietly();
        }
        last = "'" + requestLine + "' answered " + statusLine + " " + headers + " " + body.length + " bytes, then "
                + (close ? "closed" : in.available() + " bytes buffered");
        return new Response(status, headers, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private void closeQuietly() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
