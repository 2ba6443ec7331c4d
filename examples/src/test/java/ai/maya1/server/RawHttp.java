package ai.maya1.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Hand-written HTTP/1.1 on a plain socket, for what a well-behaved client never sends. */
final class RawHttp implements AutoCloseable {
    final Socket socket;

    RawHttp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
    }

    RawHttp send(String ascii) throws IOException {
        socket.getOutputStream().write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** A speech POST's request line and headers with the given Content-Length (the body follows separately). */
    static String speechHead(long contentLength) {
        return "POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                + "\r\n\r\n";
    }

    /** Everything until the server closes the connection (or {@code limitMillis} pass: then what came so far). */
    byte[] readToClose(int limitMillis) throws IOException {
        socket.setSoTimeout(limitMillis);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("connection still open after " + limitMillis + " ms; received: "
                    + new String(out.toByteArray(), StandardCharsets.ISO_8859_1));
        } catch (java.net.SocketException e) {
            // reset by the server: closed as well
        }
        return out.toByteArray();
    }

    /** Reads until the end of the response head and returns it. */
    String readHead() throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }

    /** Closes with a reset (SO_LINGER 0), as a client that is killed does. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    static String body(String response) {
        int i = response.indexOf("\r\n\r\n");
        return i < 0 ? "" : response.substring(i + 4);
    }
}
