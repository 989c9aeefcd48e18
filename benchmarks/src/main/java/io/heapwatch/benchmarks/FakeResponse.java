package io.heapwatch.benchmarks;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A minimal {@link HttpServletResponse} for benchmarks: status, content type and length are kept, other headers are
 * dropped, and the body goes to a {@link ByteArrayOutputStream} that {@link #recycle()} empties.
 */
final class FakeResponse implements HttpServletResponse {

    private final ByteArrayOutputStream body;
    private final ServletOutputStream out;
    private PrintWriter writer;
    private int status = SC_OK;
    private String contentType;
    private long contentLength = -1;
    private boolean committed;

    FakeResponse() {
        this(0);
    }

    FakeResponse(int bodyCapacity) {
        this.body = new ByteArrayOutputStream(bodyCapacity);
        this.out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                body.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener writeListener) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Makes the response reusable for the next request. */
    void recycle() {
        body.reset();
        status = SC_OK;
        contentType = null;
        contentLength = -1;
        committed = false;
    }

    int bodySize() {
        return body.size();
    }

    @Override
    public void setStatus(int sc) {
        status = sc;
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return out;
    }

    @Override
    public PrintWriter getWriter() {
        if (writer == null) {
            writer = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        }
        return writer;
    }

    @Override
    public void setContentType(String type) {
        contentType = type;
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public void setContentLength(int len) {
        contentLength = len;
    }

    @Override
    public void setContentLengthLong(long len) {
        contentLength = len;
    }

    long contentLength() {
        return contentLength;
    }

    @Override
    public void addCookie(Cookie cookie) {
        // dropped
    }

    @Override
    public boolean containsHeader(String name) {
        return false;
    }

    @Override
    public String encodeURL(String url) {
        return url;
    }

    @Override
    public String encodeRedirectURL(String url) {
        return url;
    }

    @Override
    public void sendError(int sc, String msg) {
        status = sc;
        committed = true;
    }

    @Override
    public void sendError(int sc) {
        sendError(sc, null);
    }

    @Override
    public void sendRedirect(String location) {
        status = SC_FOUND;
        committed = true;
    }

    @Override
    public void setDateHeader(String name, long date) {
        // dropped
    }

    @Override
    public void addDateHeader(String name, long date) {
        // dropped
    }

    @Override
    public void setHeader(String name, String value) {
        // dropped
    }

    @Override
    public void addHeader(String name, String value) {
        // dropped
    }

    @Override
    public void setIntHeader(String name, int value) {
        // dropped
    }

    @Override
    public void addIntHeader(String name, int value) {
        // dropped
    }

    @Override
    public String getHeader(String name) {
        return null;
    }

    @Override
    public Collection<String> getHeaders(String name) {
        return List.of();
    }

    @Override
    public Collection<String> getHeaderNames() {
        return List.of();
    }

    @Override
    public String getCharacterEncoding() {
        return "UTF-8";
    }

    @Override
    public void setCharacterEncoding(String charset) {
        // ignored
    }

    @Override
    public void setBufferSize(int size) {
        // ignored
    }

    @Override
    public int getBufferSize() {
        return 8192;
    }

    @Override
    public void flushBuffer() {
        committed = true;
    }

    @Override
    public void resetBuffer() {
        body.reset();
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    @Override
    public void reset() {
        recycle();
    }

    @Override
    public void setLocale(Locale loc) {
        // ignored
    }

    @Override
    public Locale getLocale() {
        return Locale.ROOT;
    }
}
